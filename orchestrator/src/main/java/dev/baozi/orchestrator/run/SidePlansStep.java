package dev.baozi.orchestrator.run;

/** After tofu planned: each registered extension plans beside it (in its own folder, logging under its kind); its plan is recorded. */
final class SidePlansStep implements RunStep {

    private final SideKind.Registry kinds;
    private final SidePlanRepository sidePlans;

    SidePlansStep(SideKind.Registry kinds, SidePlanRepository sidePlans) {
        this.kinds = kinds;
        this.sidePlans = sidePlans;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        for (SideKind kind : kinds.kinds()) {
            SidePlanner planner = kind.planner();
            try {
                var planned = planner.plan(run.run, run.workspace, run.supplied, run.runDir.resolve(kind.kind()),
                        line -> run.log(kind.kind(), line));
                if (planned.isPresent()) {
                    var plan = new SidePlan(kind.kind(), planned.get().document(), planned.get().changes(), planned.get().forceReason(), false);
                    sidePlans.record(run.run.id(), plan);
                    run.sidePlans.add(plan);
                }
            } catch (RunSteps.Refused e) {
                throw RunEnded.errored(e.getMessage());
            }
        }
    }
}
