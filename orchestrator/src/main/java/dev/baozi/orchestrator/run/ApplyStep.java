package dev.baozi.orchestrator.run;

import java.io.IOException;
import java.util.List;

/** {@code tofu apply} of the sealed plan file and nothing else, when tofu's plan changes anything. */
final class ApplyStep implements RunStep {

    private final SealedPlans vault;
    private final RunSettings settings;
    private final SideKind.Registry kinds;

    ApplyStep(SealedPlans vault, RunSettings settings, SideKind.Registry kinds) {
        this.vault = vault;
        this.settings = settings;
        this.kinds = kinds;
    }

    @Override
    public void run(RunContext run) throws RunEnded, IOException {
        if (!run.tofuChanges) {
            return;
        }
        RunFiles.writePrivate(run.workDir(), RunExecutor.PLAN_FILE, vault.open(run.runDir.resolve(RunExecutor.SEALED_PLAN)));
        for (SidePlan after : SideApplyStep.on(run, kinds, false)) {
            run.afterFailure += "; the " + SideApplyStep.label(kinds, after) + " step did not run";
        }
        run.tofu("apply", List.of("apply", "-input=false", "-json", "-lock-timeout=30s", RunExecutor.PLAN_FILE),
                settings.applyTimeout());
    }
}
