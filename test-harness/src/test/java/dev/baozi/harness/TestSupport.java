package dev.baozi.harness;

import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/** Shared set-up for tests in sub-packages. */
public final class TestSupport {

    private TestSupport() {}

    public static Path workDir() {
        return TestStack.workDir();
    }

    /** An orchestrator on a free port, an in-memory H2 and {@code bao} (provisioned here); {@code extraEnv} overrides settings. */
    public static Orchestrator orchestrator(OpenBaoServer bao, Map<String, String> extraEnv) {
        return orchestrator(bao, extraEnv, Orchestrator.Extras.NONE);
    }

    /** As above, with {@code extras} (a wrapper around tofu, side plan kinds of the test's own) in the wiring. */
    public static Orchestrator orchestrator(OpenBaoServer bao, Map<String, String> extraEnv, Orchestrator.Extras extras) {
        var credentials = TestStack.access(bao).provisionAndIssue();
        var env = TestStack.env(bao, credentials);
        env.putAll(extraEnv);
        return Orchestrator.start(ConfigLoader.load(null, env), extras);
    }

    /** Registers {@code sim} as provider {@code name} (pinned to its certificate, default node pve1) through {@code admin}. */
    public static void registerSimulator(ApiClient admin, dev.baozi.harness.proxmox.ProxmoxSimulator sim, String name) {
        var created = admin.post("/providers", Map.of("name", name, "endpoint", sim.baseUrl().toString(), "token_id", sim.tokenId(),
                "token_secret", sim.tokenSecret(), "tls", Map.of("fingerprint", sim.tls().fingerprint()), "default_node", "pve1",
                "template_vmid", 9000));
        if (created.status() != 201) {
            throw new IllegalStateException("registering the Proxmox simulator as provider " + name + ": " + created);
        }
    }

    public static StateHttp client(Orchestrator orchestrator) {
        return new StateHttp(orchestrator.port(), TestStack.ADMIN_TOKEN);
    }

    /** Provisions {@code bao} like make run does and logs in with the orchestrator's AppRole. */
    public static OpenBaoSession login(OpenBaoServer bao) {
        var credentials = TestStack.access(bao).provisionAndIssue();
        var settings = TestStack.config(bao, credentials).openbao();
        return OpenBaoSession.login(settings.connection(), settings.appRole());
    }

    /** The orchestrator's KV v2 mount, with {@code session}'s token. */
    public static KvV2 kv(OpenBaoSession session) {
        return new KvV2(session.client(), TestStack.KV_MOUNT);
    }
}
