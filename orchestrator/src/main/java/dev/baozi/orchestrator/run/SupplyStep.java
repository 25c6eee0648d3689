package dev.baozi.orchestrator.run;

/** Before tofu: what the run's extensions supply to its directory (an address from NetBox, say), recorded with the run. */
final class SupplyStep implements RunStep {

    private final RunSteps steps;
    private final RunRepository runs;

    SupplyStep(RunSteps steps, RunRepository runs) {
        this.steps = steps;
        this.runs = runs;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        try {
            run.supplied = steps.beforePlan(run.run, run.workspace, line -> run.log("baozi", line));
        } catch (RunSteps.Refused e) {
            throw RunEnded.errored(e.getMessage());
        }
        runs.recordSupplied(run.run.id(), run.supplied.toJson());
    }
}
