package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.GeneratedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Before an apply: the directory must be exactly what was planned (else the run ends: the
 * template changed meanwhile); it is written again (no sensitive value: those are in the
 * sealed plan) and initialised if it is not.
 */
final class RegenerateStep implements RunStep {

    private final RunWorkspaces workspaces;
    private final RunSettings settings;

    RegenerateStep(RunWorkspaces workspaces, RunSettings settings) {
        this.workspaces = workspaces;
        this.settings = settings;
    }

    @Override
    public void run(RunContext run) throws RunEnded, IOException {
        GeneratedFiles files = workspaces.files(run.workspace, run.supplied);
        String planned = run.run.configSha256();
        if (planned != null && !planned.equals(files.sha256())) {
            throw RunEnded.errored("the workspace's configuration changed since run " + run.run.id() + " planned (template "
                    + run.workspace.template() + " edited?): planned " + planned.substring(0, 12) + ", now "
                    + files.sha256().substring(0, 12) + "; queue a new run");
        }
        RunFiles.makePrivateDirectories(run.workDir());
        for (var f : files.files().entrySet()) {
            RunFiles.writePrivate(run.workDir(), f.getKey(), f.getValue());
        }
        if (!Files.isDirectory(run.workDir().resolve(".terraform"))) {
            run.tofu("init", List.of("init", "-input=false", "-json"), settings.applyTimeout());
        }
    }
}
