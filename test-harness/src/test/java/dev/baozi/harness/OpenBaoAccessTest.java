package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.openbao.OpenBaoAdmin;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.orchestrator.config.BaoziConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The orchestrator's AppRole session against a real OpenBao: what it may do, and that it stays logged in. */
@Tag("openbao")
class OpenBaoAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenBaoServer bao;

    @BeforeAll
    static void startOpenBao() {
        bao = OpenBaoServer.startDev(TestStack.workDir());
    }

    @AfterAll
    static void stopOpenBao() {
        bao.close();
    }

    @Test
    void the_approle_token_may_use_baozis_mounts_and_nothing_else() throws Exception {
        var access = TestStack.access(bao);
        var credentials = access.provisionAndIssue();
        BaoziConfig config = TestStack.config(bao, credentials);
        try (var session = OpenBaoSession.login(config.openbao().connection(), config.openbao().appRole())) {
            String token = session.token();
            var asOrchestrator = new OpenBaoAdmin(bao.address(), token);

            asOrchestrator.write("baozi/data/probe", JSON.valueToTree(Map.of("data", Map.of("k", "v"))));
            assertThat(asOrchestrator.read("baozi/data/probe").path("data").path("data").path("k").asText()).isEqualTo("v");
            asOrchestrator.write("baozi-transit/keys/baozi-plans", null);

            assertThatThrownBy(() -> asOrchestrator.write("secret/data/probe", JSON.valueToTree(Map.of("data", Map.of()))))
                    .hasMessageContaining("HTTP 403");
            assertThatThrownBy(() -> asOrchestrator.write("sys/mounts/evil", JSON.valueToTree(Map.of("type", "kv"))))
                    .hasMessageContaining("HTTP 403");
            assertThatThrownBy(() -> asOrchestrator.write("sys/policies/acl/baozi-orchestrator",
                    JSON.valueToTree(Map.of("policy", "{}")))).hasMessageContaining("HTTP 403");
            assertThatThrownBy(() -> asOrchestrator.write("baozi-transit/keys/other-key", null))
                    .hasMessageContaining("HTTP 403");
        }
    }

    @Test
    void the_session_keeps_a_working_token_past_its_ttl_and_max_ttl() throws Exception {
        var access = TestStack.access(bao);
        access.provision(Duration.ofSeconds(3), Duration.ofSeconds(6));
        var credentials = new dev.baozi.harness.openbao.OrchestratorAccess.AppRoleCredentials(access.roleId(), access.newSecretId());
        BaoziConfig config = TestStack.config(bao, credentials);
        try (var session = OpenBaoSession.login(config.openbao().connection(), config.openbao().appRole())) {
            // Two renewals and a fresh login mean the token outlived both its TTL and max TTL.
            Deadline.await("a renewal and a re-login", Duration.ofSeconds(30),
                    () -> session.renewalCount() >= 2 && session.loginCount() >= 2);

            assertThat(session.client().send("GET", "auth/token/lookup-self", null).requireOk("looking up the session's token")
                    .data().path("ttl").asLong()).isPositive();
        } finally {
            access.provision(Duration.ofHours(1), Duration.ofHours(24));
        }
    }
}
