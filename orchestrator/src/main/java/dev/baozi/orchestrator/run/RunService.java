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
import java.util.Set;

/** Queues runs and carries out people's decisions on them: approve, discard, cancel. */
public final class RunService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunRepository runs;
    private final SidePlanRepository sidePlans;
    private final SideKind.Registry kinds;
    private final RunLogRepository logs;
    private final RunExecutor executor;
    private final RunScheduler scheduler;
    private final AuditRepository audit;
    private final RunSettings settings;
    private final Clock clock;

    public RunService(RunRepository runs, SidePlanRepository sidePlans, SideKind.Registry kinds, RunLogRepository logs,
            RunExecutor executor, RunScheduler scheduler, AuditRepository audit, RunSettings settings, Clock clock) {
        this.runs = runs;
        this.sidePlans = sidePlans;
        this.kinds = kinds;
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

        /**
         * Destroying or replacing needs {@code confirm_destroy} ({@code unforced} empty), or a side
         * plan past its thresholds needs force ({@code unforced}: its label, "DNS").
         */
        record NeedsConfirmation(Run run, String reason, Optional<String> unforced) implements Decision {}
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

    /** The run's plan as shown for approval: tofu's plan, masked. */
    public Optional<JsonNode> plan(long id) {
        return runs.planJson(id).map(text -> {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new IllegalStateException("the stored plan of run " + id + " is not JSON", e);
            }
        });
    }

    /** A side plan as shown: the plan, its kind's label ("DNS"), and its presenter's table. */
    public record ShownSidePlan(SidePlan plan, String label, SidePlanPresenter.Table table) {}

    /** What extensions planned beside tofu for run {@code id}, each shown by its kind's presenter. */
    public List<ShownSidePlan> sidePlans(long id) {
        return sidePlans.ofRun(id).stream().map(p -> kinds.of(p.kind())
                .map(k -> new ShownSidePlan(p, k.planner().label(), k.presenter().table(p)))
                .orElseGet(() -> new ShownSidePlan(p, p.kind(), new SidePlanPresenter.Table(p.kind() + " changes", "", List.of(),
                        List.of(), List.of("no extension of this orchestrator shows plans of kind " + p.kind()), "Force them"))))
                .toList();
    }

    public List<LogLine> logs(long id, int afterSeq) {
        return logs.after(id, afterSeq);
    }

    public Decision approve(long id, Principal by, String comment, boolean confirmDestroy) {
        return approve(id, by, comment, confirmDestroy, Set.of());
    }

    /**
     * Approves a planned run. Destroying or replacing needs {@code confirmDestroy}; a side plan
     * that needs force (DNS changes over octoDNS's safety thresholds, say) needs its kind in {@code force}.
     */
    public Decision approve(long id, Principal by, String comment, boolean confirmDestroy, Set<String> force) {
        Optional<Run> found = runs.get(id);
        if (found.isEmpty()) {
            return new Decision.NotFound(id);
        }
        Run run = found.get();
        Optional<String> barred = mayNotApprove(run, by);
        Optional<ShownSidePlan> unforced = unforced(id, force);
        Decision decision;
        if (run.status() != RunStatus.PLANNED) {
            decision = new Decision.WrongState(run, "run " + id + " is " + run.status().wire() + "; only a planned run can be approved");
        } else if (barred.isPresent()) {
            decision = new Decision.Forbidden(barred.get());
        } else if (run.summary() != null && run.summary().destructive() && !confirmDestroy) {
            decision = new Decision.NeedsConfirmation(run, "run " + id + " destroys " + run.summary().destroys() + " and replaces "
                    + run.summary().replaces() + " resources; approve with confirm_destroy: true if that is intended", Optional.empty());
        } else if (unforced.isPresent()) {
            ShownSidePlan s = unforced.get();
            decision = new Decision.NeedsConfirmation(run, "run " + id + " changes " + s.label() + " past its safety thresholds ("
                    + s.plan().forceReason() + "); approve with force: [\"" + s.plan().kind() + "\"] if that is intended",
                    Optional.of(s.label()));
        } else {
            sidePlans.force(id, force); // before the approval: once approved, the run may start applying at once
            if (runs.decide(id, RunStatus.APPROVED, by.name(), comment, confirmDestroy, OffsetDateTime.now(clock))) {
                decision = new Decision.Done(runs.get(id).orElseThrow());
                scheduler.wake();
            } else {
                decision = new Decision.WrongState(runs.get(id).orElseThrow(), "run " + id + " changed while it was being approved");
            }
        }
        audit.record(by.name(), "run.approve", run.workspace(), outcome(decision), "run " + id);
        return decision;
    }

    /** The first side plan of run {@code id} that needs force and is not in {@code force}. */
    private Optional<ShownSidePlan> unforced(long id, Set<String> force) {
        return sidePlans(id).stream().filter(s -> s.plan().needsForce() && !force.contains(s.plan().kind())).findFirst();
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
                    : new Decision.WrongState(run, "run " + id + " is " + run.status().wire()
                            + " but this orchestrator is not executing it (it is about to start, or it was left by a stop); retry");
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
