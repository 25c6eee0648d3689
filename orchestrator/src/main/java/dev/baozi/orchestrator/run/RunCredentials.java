package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a workspace's tofu steps need from outside their configuration: environment variables
 * for the providers they call (an endpoint, an API token) and the secrets among them, which the
 * run's log redacts. Kept out of the generated files, so no credential lands in them or in state.
 * A port: the provider package answers it.
 */
public interface RunCredentials {

    /** Environment for tofu, and the values in it that are secret. */
    record Credentials(Map<String, String> env, List<String> secrets) {
        public static final Credentials NONE = new Credentials(Map.of(), List.of());
    }

    /** The credentials of {@code workspace}'s runs; files they need (a CA certificate) go under {@code runDir}. */
    Credentials forRun(Workspace workspace, Path runDir);

    RunCredentials NONE = (workspace, runDir) -> Credentials.NONE;
}
