package dev.baozi.orchestrator.run;

import java.util.stream.Collectors;

/** After everything of an apply that does not destroy: the extensions hand the machine what it needs (its secrets, say). */
final class AfterApplyStep implements RunStep {

    private final RunSteps steps;
    private final SideKind.Registry kinds;

    AfterApplyStep(RunSteps steps, SideKind.Registry kinds) {
        this.steps = steps;
        this.kinds = kinds;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        if (run.run.destroy()) {
            return;
        }
        try {
            steps.afterApply(run.run, run.workspace, line -> run.log("baozi", line));
        } catch (RunSteps.Refused e) {
            String sides = run.sidePlans.stream().map(p -> " and the " + SideApplyStep.label(kinds, p) + " step")
                    .collect(Collectors.joining());
            throw RunEnded.errored(e.getMessage() + " (after tofu" + sides + " applied; queue a new run to try again)");
        }
    }
}
