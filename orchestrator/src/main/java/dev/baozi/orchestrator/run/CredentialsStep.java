package dev.baozi.orchestrator.run;

import java.io.IOException;

/** Makes the run's private folder and gets the credentials of the workspace's provider for its tofu calls. */
final class CredentialsStep implements RunStep {

    private final RunCredentials credentials;

    CredentialsStep(RunCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        try {
            RunFiles.makePrivateDirectories(run.runDir);
            run.credentials(credentials.forRun(run.workspace, run.runDir));
        } catch (RuntimeException | IOException e) {
            throw RunEnded.errored("getting the credentials of provider " + run.workspace.provider() + " for this run: " + e.getMessage());
        }
    }
}
