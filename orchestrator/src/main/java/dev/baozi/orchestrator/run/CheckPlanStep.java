package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Supplied;

/** Before an apply: the sealed plan and the side plans with changes are there (else "was it discarded?"), and what was supplied. */
final class CheckPlanStep implements RunStep {

    private final RunRepository runs;
    private final SidePlanRepository sidePlans;

    CheckPlanStep(RunRepository runs, SidePlanRepository sidePlans) {
        this.runs = runs;
        this.sidePlans = sidePlans;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        run.tofuChanges = PlanVault.exists(run.runDir.resolve(RunExecutor.SEALED_PLAN));
        sidePlans.ofRun(run.run.id()).stream().filter(SidePlan::hasChanges).forEach(run.sidePlans::add);
        if (!run.tofuChanges && run.sidePlans.isEmpty()) {
            throw RunEnded.errored("no saved plan for run " + run.run.id() + " (was it discarded?)");
        }
        run.supplied = runs.suppliedJson(run.run.id()).map(Supplied::fromJson).orElse(Supplied.NONE);
    }
}
