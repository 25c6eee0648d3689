package dev.baozi.orchestrator.run;

import java.util.List;

/** {@code tofu show -json} of the plan file: reviewed, masked, redacted and stored to be shown for approval. */
final class ShowStep implements RunStep {

    private final RunSettings settings;
    private final RunRepository runs;

    ShowStep(RunSettings settings, RunRepository runs) {
        this.settings = settings;
        this.runs = runs;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        PlanJson.Reviewed reviewed = PlanJson.review(run.capture(List.of("show", "-json", RunExecutor.PLAN_FILE), settings.planTimeout()));
        runs.recordPlan(run.run.id(), run.redactor().redact(reviewed.plan().toString()), reviewed.summary());
        run.summary = reviewed.summary();
        run.tofuChanges = run.planExit != 0
                && (reviewed.summary().hasChanges() || !reviewed.plan().path("output_changes").isEmpty());
    }
}
