package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.GeneratedFiles;
import java.io.IOException;

/** Writes the run's directory afresh (its sensitive values too, for the plan only) and records what was generated. */
final class GenerateStep implements RunStep {

    private final RunWorkspaces workspaces;
    private final RunRepository runs;

    GenerateStep(RunWorkspaces workspaces, RunRepository runs) {
        this.workspaces = workspaces;
        this.runs = runs;
    }

    @Override
    public void run(RunContext run) throws IOException {
        GeneratedFiles files = workspaces.files(run.workspace, run.supplied);
        RunExecutor.deleteTree(run.workDir());
        RunFiles.makePrivateDirectories(run.workDir());
        for (var f : files.files().entrySet()) {
            RunFiles.writePrivate(run.workDir(), f.getKey(), f.getValue());
        }
        // sensitive values only for the plan: the apply takes every value from the sealed plan
        for (var f : files.secretFiles().entrySet()) {
            RunFiles.writePrivate(run.workDir(), f.getKey(), f.getValue());
        }
        runs.recordConfig(run.run.id(), files.sha256(), files.moduleSha256());
        run.log("baozi", "generated configuration " + files.sha256().substring(0, 12) + " (module "
                + run.workspace.template() + " " + files.moduleSha256().substring(0, 12) + ")");
    }
}
