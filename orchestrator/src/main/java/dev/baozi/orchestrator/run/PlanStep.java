package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** {@code tofu plan -out}: a destroy plan, or one replacing what the run asks; the sensitive values file goes once the plan file holds them. */
final class PlanStep implements RunStep {

    private final RunSettings settings;

    PlanStep(RunSettings settings) {
        this.settings = settings;
    }

    @Override
    public void run(RunContext run) throws RunEnded, IOException {
        List<String> args = new ArrayList<>(List.of("plan", "-input=false", "-json", "-detailed-exitcode",
                "-lock-timeout=30s", "-out=" + RunExecutor.PLAN_FILE));
        if (run.run.destroy()) {
            args.add("-destroy");
        }
        run.run.replace().forEach(address -> args.add("-replace=" + address));
        run.planExit = run.tofu("plan", args, settings.planTimeout(), 0, 2);
        Files.deleteIfExists(run.workDir().resolve(WorkspaceFiles.SECRET_VALUES_FILE)); // the plan file holds them from here on
    }
}
