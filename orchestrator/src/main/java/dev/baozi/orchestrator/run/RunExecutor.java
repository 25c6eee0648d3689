package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a run's pipeline of steps. Plan: credentials, supply, tofu slot, generate, init, plan,
 * show, side plans, seal; then the run is planned. Apply: credentials, check the plan, regenerate
 * (the directory must be what was planned), before-apply (what must be kept first: a destroy's
 * backup), side applies before tofu, apply, side applies after
 * tofu, after-apply; then the run is applied. A step ends the run early by throwing
 * {@link RunEnded}; that, and any fault, is handled in one place ({@link #end}).
 */
public final class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    static final String PLAN_FILE = "plan.tfplan";
    static final String SEALED_PLAN = "plan.tfplan.sealed";

    private final RunParts parts;

    /**
     * An executor over {@code runs}' storage; {@code tofu} runs the tofu calls, {@code steps} and
     * {@code kinds} are the extensions (steps around tofu, side plans).
     */
    public RunExecutor(RunRepository runs, SidePlanRepository sidePlans, RunLogRepository logs, LogBus bus, RunWorkspaces workspaces,
            Tofu tofu, SealedPlans vault, RunSettings settings, Clock clock, RunCredentials credentials, RunSteps steps,
            SideKind.Registry kinds) {
        this.parts = new RunParts(runs, sidePlans, logs, bus, workspaces, tofu, vault, settings, credentials, steps, kinds,
                new RunCancels(), clock);
    }

    private List<RunStep> planSteps(TofuSlot slot) {
        return List.of(
                new CredentialsStep(parts.credentials()),
                new SupplyStep(parts.steps(), parts.runs()),
                new SlotStep(slot, parts.cancels()),
                new GenerateStep(parts.workspaces(), parts.runs()),
                new InitStep(parts.settings()),
                new PlanStep(parts.settings()),
                new ShowStep(parts.settings(), parts.runs()),
                new SidePlansStep(parts.kinds(), parts.sidePlans()),
                new SealStep(parts.vault()));
    }

    private List<RunStep> applySteps() {
        return List.of(
                new CredentialsStep(parts.credentials()),
                new CheckPlanStep(parts.runs(), parts.sidePlans()),
                new RegenerateStep(parts.workspaces(), parts.settings()),
                new BeforeApplyStep(parts.steps()),
                new SideApplyStep(parts.kinds(), true),
                new ApplyStep(parts.vault(), parts.settings(), parts.kinds()),
                new SideApplyStep(parts.kinds(), false),
                new AfterApplyStep(parts.steps(), parts.kinds()));
    }

    Path runDir(long runId) {
        return parts.settings().runsDir().resolve(Long.toString(runId));
    }

    /**
     * Asks run {@code runId} to stop: its tofu call is interrupted (killed when {@code force}), or,
     * between calls, it stops before the next one or when its plan is done; false if this process
     * is not executing it.
     */
    boolean requestCancel(long runId, String by, boolean force) {
        return parts.cancels().request(runId, by, force);
    }

    /** Whether run {@code runId} is planning but waits for a tofu slot. */
    boolean waitsForSlot(long runId) {
        return parts.cancels().waits(runId);
    }

    /** Plans run {@code run} (already moved to planning), holding a tofu slot all along. */
    public void plan(Run run) {
        plan(run, TofuSlot.HELD);
    }

    /**
     * Plans run {@code run} (already moved to planning); what comes before tofu runs at once, and
     * {@code slot} is taken before the first tofu step.
     */
    void plan(Run run, TofuSlot slot) {
        parts.cancels().active(run.id(), true);
        RunContext context;
        try {
            context = open(run);
        } catch (RuntimeException e) {
            log.error("planning run {}", run.id(), e);
            end(run, RunStatus.PLANNING, RunEnded.errored("planning failed: " + e.getMessage()), new Redactor(List.of()));
            return;
        }
        try {
            for (RunStep step : planSteps(slot)) {
                step.run(context);
            }
        } catch (RunEnded e) {
            end(run, RunStatus.PLANNING, e, context.redactor());
            return;
        } catch (RuntimeException | IOException e) {
            log.error("planning run {}", run.id(), e);
            end(run, RunStatus.PLANNING, RunEnded.errored("planning failed: " + e.getMessage()), context.redactor());
            return;
        }
        Optional<String> canceledBy = parts.cancels().finish(run.id()); // asked after its last tofu call
        if (canceledBy.isPresent()) {
            end(run, RunStatus.PLANNING, RunEnded.canceled(false, canceledBy.get()), context.redactor());
            return;
        }
        if (!parts.runs().transition(run.id(), RunStatus.PLANNING, RunStatus.PLANNED, OffsetDateTime.now(parts.clock()))) {
            discardRun(run.id()); // canceled meanwhile
        }
        context.log("baozi", "plan ready: " + (context.tofuChanges ? RunContext.describe(context.summary) : "no resource changes")
                + sides(context) + "; waiting for approval");
    }

    /** "; 2 DNS change(s)", "; 13 DNS change(s) that need force (…; approve with force: ["dns"])". */
    private String sides(RunContext context) {
        var text = new StringBuilder();
        for (SidePlan p : context.sidePlans) {
            text.append("; ").append(p.changes()).append(' ').append(SideApplyStep.label(parts.kinds(), p)).append(" change(s)");
            if (p.needsForce()) {
                text.append(" that need force (").append(p.forceReason()).append("; approve with force: [\"").append(p.kind()).append("\"])");
            }
        }
        return text.toString();
    }

    /**
     * Applies run {@code run} (already moved to applying): tofu from its sealed plan, and its side
     * plans, each before or after tofu as its kind says (reversed when the run destroys). When one
     * part fails after another was applied, the run's error says which.
     */
    public void apply(Run run) {
        parts.cancels().active(run.id(), true);
        RunContext context;
        try {
            context = open(run);
        } catch (RuntimeException e) {
            log.error("applying run {}", run.id(), e);
            end(run, RunStatus.APPLYING, RunEnded.errored("applying failed: " + e.getMessage()), new Redactor(List.of()));
            return;
        }
        RunEnded ended = RunEnded.applied();
        try {
            for (RunStep step : applySteps()) {
                step.run(context);
            }
        } catch (RunEnded e) {
            ended = e;
        } catch (RuntimeException | IOException e) {
            log.error("applying run {}", run.id(), e);
            ended = RunEnded.errored("applying failed: " + e.getMessage());
        }
        end(run, RunStatus.APPLYING, ended, context.redactor());
    }

    private RunContext open(Run run) {
        Workspace ws = parts.workspaces().get(run.workspace())
                .orElseThrow(() -> new IllegalStateException("workspace " + run.workspace() + " is gone"));
        return new RunContext(run, ws, parts);
    }

    /**
     * The one place a run ends: moved from {@code from} to the status {@code ended} says, the
     * reason recorded and logged, its leftovers discarded.
     */
    private void end(Run run, RunStatus from, RunEnded ended, Redactor redactor) {
        parts.cancels().active(run.id(), false); // a cancel asked after the last tofu call of an apply changes nothing
        RunStatus to = ended.status();
        OffsetDateTime now = OffsetDateTime.now(parts.clock());
        boolean moved = ended.reason() == null
                ? parts.runs().transition(run.id(), from, to, now)
                : parts.runs().finish(run.id(), from, to, ended.recorded(), ended.canceledBy(), now);
        if (moved) {
            new RunLog(run.id(), parts.logs(), parts.bus(), redactor, parts.clock()).line("baozi", "run " + to.wire() + (ended.reason() == null ? "" : ": " + ended.reason()));
        }
        discardRun(run.id());
    }

    /** A line from Baozi itself, redacting nothing (it holds no secret). */
    private void baoziLine(long runId, String line) {
        new RunLog(runId, parts.logs(), parts.bus(), new Redactor(List.of()), parts.clock()).line("baozi", line);
    }

    /**
     * Adds a line from Baozi itself ("waiting behind run 19") to the log of run {@code runId} if
     * that log is still empty. Only for a run that has not started: a started run's steps number
     * their own lines.
     */
    void noteIfSilent(long runId, String line) {
        if (parts.logs().lastSeq(runId) == 0) {
            baoziLine(runId, line);
        }
    }

    /**
     * A run has ended: gives back what it reserved that its workspace does not own (see
     * {@link RunSteps#ended}), then deletes everything it left on disk.
     */
    void discardRun(long runId) {
        parts.runs().get(runId).ifPresent(run -> parts.workspaces().get(run.workspace()).ifPresent(ws -> {
            try {
                var runLog = new RunLog(runId, parts.logs(), parts.bus(), new Redactor(List.of()), parts.clock());
                parts.steps().ended(run, ws, line -> runLog.line("baozi", line));
            } catch (RuntimeException e) {
                // what it reserved stays tagged with the workspace, so its next plan finds it again: nothing is lost
                log.warn("run {} ended, but giving back what it reserved failed: {}", runId, e.getMessage());
            }
        }));
        discardPlan(runId);
        deleteTree(runDir(runId));
    }

    /** Deletes the run's sealed plan and any plain copy. */
    void discardPlan(long runId) {
        PlanVault.delete(runDir(runId).resolve(SEALED_PLAN));
        try {
            Files.deleteIfExists(runDir(runId).resolve("work").resolve(PLAN_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }
}
