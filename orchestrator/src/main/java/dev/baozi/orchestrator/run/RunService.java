package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.workspace.Workspace;
import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Queues runs and carries out people's decisions on them: approve, discard, cancel. */
public final class RunService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunRepository runs;
    private final RunLogRepository logs;
    private final RunExecutor executor;
    private final RunScheduler scheduler;
    private final AuditRepository audit;
    private final RunSettings settings;
    private final Clock clock;

    public RunService(RunRepository runs, RunLogRepository logs, RunExecutor executor, RunScheduler scheduler,
            AuditRepository audit, RunSettings settings, Clock clock) {
        this.runs = runs;
        this.logs = logs;
        this.executor = executor;
        this.scheduler = scheduler;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** What a decision on a run came to. Refusals are results, not errors. */
    public sealed interface Decision {
        record Done(Run run) implements Decision {}

        record NotFound(long id) implements Decision {}

        /** The run is not in a state that allows this; {@code reason} says which it is in. */
        record WrongState(Run run, String reason) implements Decision {}

        record Forbidden(String reason) implements Decision {}

        /** Destroying or replacing needs {@code confirm_destroy}. */
        record NeedsConfirmation(Run run, String reason) implements Decision {}
    }

    public Run queue(Workspace workspace, boolean destroy, Principal by) {
        return queue(workspace, destroy, List.of(), by);
    }

    /**
     * Queues a plan of {@code workspace}: a destroy plan, or one that replaces the resources at
     * {@code replace} (addresses checked by {@link ResourceAddress} beforehand) as well.
     */
    public Run queue(Workspace workspace, boolean destroy, List<String> replace, Principal by) {
        if (destroy && !replace.isEmpty()) {
            throw new IllegalArgumentException("a destroy plan replaces nothing");
        }
        Run run = runs.insert(workspace.id(), destroy, replace, by.name(), OffsetDateTime.now(clock));
        audit.record(by.name(), "run.queue", workspace.name(), "201", "run " + run.id() + (destroy ? " (destroy)" : "")
                + (replace.isEmpty() ? "" : " (replace " + String.join(", ", replace) + ")"));
        scheduler.wake();
        return run;
    }

    /**
     * Why a run that has not started its tofu steps yet waits: "waiting behind run 19, which awaits
     * approval", "waiting for a tofu slot (2 of 2 in use)"; empty for a run that does not wait.
     */
    public Optional<String> waiting(Run run) {
        return switch (run.status()) {
            case QUEUED -> Optional.of(runs.ahead(run).map(RunService::behind).orElse("waiting for the scheduler to start it"));
            case PLANNING -> executor.waitsForSlot(run.id())
                    ? scheduler.slotsFull().map(full -> "waiting for a tofu slot (" + full + ")")
                    : Optional.empty();
            case APPROVED -> scheduler.slotsFull().map(full -> "waiting for a tofu slot (" + full + ")");
            default -> Optional.empty();
        };
    }

    /** "waiting behind run 19, which awaits approval". */
    static String behind(Run ahead) {
        return "waiting behind run " + ahead.id() + ", which " + doing(ahead.status());
    }

    private static String doing(RunStatus status) {
        return switch (status) {
            case QUEUED -> "is queued before it";
            case PLANNING -> "is planning";
            case PLANNED -> "awaits approval";
            case APPROVED -> "is approved and waits to apply";
            case APPLYING -> "is applying";
            default -> "is " + status.wire();
        };
    }

    public Optional<Run> get(long id) {
        return runs.get(id);
    }

    public List<Run> forWorkspace(Workspace workspace) {
        return runs.forWorkspace(workspace.id(), 100);
    }

    /**
     * The run's plan as shown for approval: tofu's masked plan, and under {@code dns} the DNS
     * changes octoDNS planned with it (per zone: changes, and why force is needed), if any.
     */
    public Optional<JsonNode> plan(long id) {
        return runs.planJson(id).map(text -> {
            try {
                JsonNode plan = JSON.readTree(text);
                Optional<String> dns = runs.dnsPlanJson(id);
                if (dns.isPresent() && plan.isObject()) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) plan).set("dns", JSON.readTree(dns.get()));
                }
                return plan;
            } catch (IOException e) {
                throw new IllegalStateException("the stored plan of run " + id + " is not JSON", e);
            }
        });
    }

    public List<LogLine> logs(long id, int afterSeq) {
        return logs.after(id, afterSeq);
    }

    public Decision approve(long id, Principal by, String comment, boolean confirmDestroy) {
        return approve(id, by, comment, confirmDestroy, false);
    }

    /**
     * Approves a planned run. Destroying or replacing needs {@code confirmDestroy}; DNS changes
     * over octoDNS's safety thresholds need {@code forceDns}.
     */
    public Decision approve(long id, Principal by, String comment, boolean confirmDestroy, boolean forceDns) {
        Optional<Run> found = runs.get(id);
        if (found.isEmpty()) {
            return new Decision.NotFound(id);
        }
        Run run = found.get();
        Optional<String> barred = mayNotApprove(run, by);
        Decision decision;
        if (run.status() != RunStatus.PLANNED) {
            decision = new Decision.WrongState(run, "run " + id + " is " + run.status().wire() + "; only a planned run can be approved");
        } else if (barred.isPresent()) {
            decision = new Decision.Forbidden(barred.get());
        } else if (run.summary() != null && run.summary().destructive() && !confirmDestroy) {
            decision = new Decision.NeedsConfirmation(run, "run " + id + " destroys " + run.summary().destroys() + " and replaces "
                    + run.summary().replaces() + " resources; approve with confirm_destroy: true if that is intended");
        } else if (run.dnsForceReason() != null && !forceDns) {
            decision = new Decision.NeedsConfirmation(run, "run " + id + " changes DNS over octoDNS's safety thresholds ("
                    + run.dnsForceReason() + "); approve with force_dns: true if that is intended");
        } else if (runs.decide(id, RunStatus.APPROVED, by.name(), comment, confirmDestroy, forceDns && run.dnsForceReason() != null,
                OffsetDateTime.now(clock))) {
            decision = new Decision.Done(runs.get(id).orElseThrow());
            scheduler.wake();
        } else {
            decision = new Decision.WrongState(runs.get(id).orElseThrow(), "run " + id + " changed while it was being approved");
        }
        audit.record(by.name(), "run.approve", run.workspace(), outcome(decision), "run " + id);
        return decision;
    }

    /**
     * Why {@code by} may not approve {@code run} whatever its state (they queued it, and self-approval
     * is off); empty when they may. The run page asks this to say so instead of offering the button.
     */
    public Optional<String> mayNotApprove(Run run, Principal by) {
        if (!settings.selfApproval() && run.queuedBy().equals(by.name())) {
            return Optional.of("run " + run.id() + " was queued by " + by.name() + ", who may not also approve it; ask another approver");
        }
        return Optional.empty();
    }

    public Decision discard(long id, Principal by, String comment) {
        Optional<Run> found = runs.get(id);
        if (found.isEmpty()) {
            return new Decision.NotFound(id);
        }
        Decision decision;
        if (runs.decide(id, RunStatus.DISCARDED, by.name(), comment, false, OffsetDateTime.now(clock))) {
            executor.discardRun(id);
            decision = new Decision.Done(runs.get(id).orElseThrow());
            scheduler.wake();
        } else {
            Run run = runs.get(id).orElseThrow();
            decision = new Decision.WrongState(run, "run " + id + " is " + run.status().wire() + "; only a planned run can be discarded");
        }
        audit.record(by.name(), "run.discard", found.get().workspace(), outcome(decision), "run " + id);
        return decision;
    }

    /**
     * Cancels a run. Queued or waiting runs end at once; a planning or applying run gets an
     * interrupt (tofu stops cleanly and releases its lock), or is killed when {@code force}.
     */
    public Decision cancel(long id, Principal by, boolean force) {
        Optional<Run> found = runs.get(id);
        if (found.isEmpty()) {
            return new Decision.NotFound(id);
        }
        Run run = found.get();
        OffsetDateTime now = OffsetDateTime.now(clock);
        Decision decision = switch (run.status()) {
            case QUEUED, PLANNED, APPROVED -> {
                if (runs.finish(id, run.status(), RunStatus.CANCELED, "canceled by " + by.name(), by.name(), now)) {
                    executor.discardRun(id);
                    scheduler.wake();
                    yield new Decision.Done(runs.get(id).orElseThrow());
                }
                yield new Decision.WrongState(runs.get(id).orElseThrow(), "run " + id + " changed while it was being canceled");
            }
            case PLANNING, APPLYING -> executor.requestCancel(id, by.name(), force)
                    ? new Decision.Done(run)
                    : new Decision.WrongState(run, "run " + id + " is " + run.status().wire() + " but no tofu step is running yet; retry");
            default -> new Decision.WrongState(run, "run " + id + " is already " + run.status().wire());
        };
        audit.record(by.name(), force ? "run.force-cancel" : "run.cancel", run.workspace(), outcome(decision), "run " + id);
        return decision;
    }

    /** At start-up: runs that were planning or applying when the process died end errored, saying so. */
    public int recover() {
        int recovered = 0;
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (Run run : runs.withStatus(List.of(RunStatus.PLANNING, RunStatus.APPLYING))) {
            String reason = "the orchestrator stopped while this run was " + run.status().wire()
                    + "; tofu's lock on workspace " + run.workspace() + ", if it held one, stays until an admin releases it"
                    + " (bin/baozi lock force-unlock --workspace " + run.workspace() + ")";
            if (runs.finish(run.id(), run.status(), RunStatus.ERRORED, reason, null, now)) {
                executor.discardRun(run.id());
                audit.record("system", "run.recover", run.workspace(), "errored", "run " + run.id() + " was " + run.status().wire());
                recovered++;
            }
        }
        return recovered;
    }

    private static String outcome(Decision d) {
        return switch (d) {
            case Decision.Done done -> "200";
            case Decision.NotFound n -> "404";
            case Decision.WrongState w -> "409";
            case Decision.Forbidden f -> "403";
            case Decision.NeedsConfirmation c -> "409";
        };
    }
}
