package dev.baozi.orchestrator.run;

/**
 * Before anything of an apply changes: the extensions keep what must be kept first (a destroy
 * run's backup of its VM). A refusal ends the run errored with nothing applied or destroyed.
 */
final class BeforeApplyStep implements RunStep {

    private final RunSteps steps;

    BeforeApplyStep(RunSteps steps) {
        this.steps = steps;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        try {
            steps.beforeApply(run.run, run.workspace, line -> run.log("baozi", line));
        } catch (RunSteps.Refused e) {
            throw RunEnded.errored(e.getMessage() + "; nothing was " + (run.run.destroy() ? "destroyed" : "applied"));
        }
    }
}
