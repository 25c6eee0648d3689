package dev.baozi.orchestrator.run;

import java.util.List;

/**
 * Applies the run's side plans that go on one side of tofu's apply ({@code beforeTofu}): before
 * it, or after it (a destroy reverses each kind's order). A failure says what was, or was not, done.
 */
final class SideApplyStep implements RunStep {

    private final SideKind.Registry kinds;
    private final boolean beforeTofu;

    SideApplyStep(SideKind.Registry kinds, boolean beforeTofu) {
        this.kinds = kinds;
        this.beforeTofu = beforeTofu;
    }

    /** The side plans of {@code run} that apply on the side of tofu {@code beforeTofu} says. */
    static List<SidePlan> on(RunContext run, SideKind.Registry kinds, boolean beforeTofu) {
        return run.sidePlans.stream()
                .filter(p -> kinds.of(p.kind()).map(k -> k.planner().order().beforeTofu(run.run.destroy()) == beforeTofu).orElse(beforeTofu))
                .toList();
    }

    static String label(SideKind.Registry kinds, SidePlan plan) {
        return kinds.of(plan.kind()).map(k -> k.planner().label()).orElse(plan.kind());
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        for (SidePlan plan : on(run, kinds, beforeTofu)) {
            String label = label(kinds, plan);
            SideKind kind = kinds.of(plan.kind()).orElseThrow(() -> RunEnded.errored("run " + run.run.id() + " planned changes of kind "
                    + plan.kind() + ", which no extension of this orchestrator applies; discard it and queue a new run"));
            try {
                kind.planner().apply(run.run, run.workspace, plan, run.runDir.resolve(plan.kind()), line -> run.log(plan.kind(), line));
            } catch (RunSteps.Refused e) {
                if (beforeTofu) {
                    throw RunEnded.errored("the " + label + " step failed, so nothing was " + (run.run.destroy() ? "destroyed" : "applied")
                            + ": " + e.getMessage());
                }
                String applied = run.tofuChanges ? "after tofu applied (" + RunContext.describe(run.run.summary()) + ")"
                        : "(tofu had nothing to do)";
                throw RunEnded.errored("the " + label + " step failed " + applied + ": " + e.getMessage() + "; queue a new run to finish it");
            }
            if (beforeTofu) {
                run.afterFailure += "; the " + label + " step had already applied its changes";
            }
        }
    }
}
