package dev.baozi.harness;

import dev.baozi.harness.openbao.OpenBaoAdmin;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.config.ConfigLoader;

/** Starts an orchestrator against a non-dev OpenBao whose root token the test holds. */
public final class TestStackAccess {

    private TestStackAccess() {}

    public static Orchestrator orchestrator(OpenBaoServer bao, String rootToken) {
        var access = new OrchestratorAccess(new OpenBaoAdmin(bao.address(), rootToken), "baozi", "baozi-transit");
        var credentials = access.provisionAndIssue();
        return Orchestrator.start(ConfigLoader.load(null, TestStack.env(bao, credentials)));
    }
}
