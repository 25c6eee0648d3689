package dev.baozi.harness;

import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Configuration for an orchestrator on a free port, an in-memory H2 and a provisioned dev OpenBao. */
public final class TestStack {

    public static final String ADMIN_TOKEN = "test-admin-" + java.util.UUID.randomUUID();

    /** The KV v2 mount the orchestrator uses (its default {@code openbao.kv-mount}). */
    public static final String KV_MOUNT = "baozi";

    private TestStack() {}

    public static OrchestratorAccess access(OpenBaoServer bao) {
        return new OrchestratorAccess(bao.rootAdmin(), KV_MOUNT, "baozi-transit");
    }

    public static Map<String, String> env(OpenBaoServer bao, OrchestratorAccess.AppRoleCredentials credentials) {
        var env = new HashMap<String, String>();
        env.put("BAOZI_HTTP_PORT", "0");
        env.put("BAOZI_DB_URL", "jdbc:h2:mem:stack-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        env.put("BAOZI_OPENBAO_ADDRESS", bao.address().toString());
        env.put("BAOZI_OPENBAO_TIMEOUT", "2s");
        env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", credentials.roleId());
        env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", credentials.secretId());
        env.put("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("BAOZI_TOFU_TEMPLATES_DIR", repoRoot().resolve("tf-modules").toString());
        env.put("BAOZI_RUNS_DIR", Path.of("target", "runs-" + System.nanoTime()).toAbsolutePath().toString());
        return env;
    }

    static BaoziConfig config(OpenBaoServer bao, OrchestratorAccess.AppRoleCredentials credentials) {
        return ConfigLoader.load(null, env(bao, credentials));
    }

    /** The repository's root folder (Maven passes it in; the module folder's parent otherwise). */
    public static Path repoRoot() {
        String root = System.getProperty("baozi.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    /**
     * The orchestrator's runnable jar in {@code root}'s {@code orchestrator/target} (not its test
     * jar); empty when it has not been built.
     */
    public static java.util.Optional<Path> orchestratorJar(Path root) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(root.resolve("orchestrator/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("orchestrator-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst();
        }
    }

    static Path workDir() {
        return Path.of("target", "stack");
    }
}
