package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.delivery.DeliveryOptions;
import dev.baozi.vars.delivery.DeliveryOutcome;
import dev.baozi.vars.delivery.VarsDelivery;
import dev.baozi.openbao.OpenBaoResponse;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.GeneratorStatus;
import dev.baozi.vars.store.RollbackOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The orchestrator's AppRole policy is enough for every vars verb and delivery, and refuses everything around them. */
@Tag("openbao")
class VarsAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static VarsFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = VarsFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static OpenBaoResponse asOrchestrator(String method, String path, ObjectNode body, Map<String, String> headers) {
        return fx.orchestrator.send(method, path, body, headers);
    }

    private static ObjectNode tokenRequest(String policy) {
        ObjectNode body = JSON.createObjectNode().put("ttl", "60s").put("num_uses", 1);
        body.putArray("policies").add(policy);
        return body;
    }

    @Test
    void the_approle_runs_every_vars_verb_and_issues_a_delivery() {
        VarsService vars = fx.service();
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {"{ca}": {"kind": "ca", "share": true, "params": {"subject": "CA"}},
                                "web": {"kind": "ca-signed-certificate", "params": {"ca": "{ca}", "subject": "web"}}}}""",
                "ca", VarsFixture.unique("ca"));

        vars.generate(shop, set, GenerateRequest.all());
        vars.generate(shop, set, GenerateRequest.only(GeneratorName.of("web")).regenerating());
        assertThat(vars.rollback(shop, set, GeneratorName.of("web"))).isInstanceOf(RollbackOutcome.RolledBack.class);
        String path = "vars/per-deployment/" + shop + "/web/key.pem";
        fx.rootKv().put(path, JSON.createObjectNode().put("value", "crash left-over"));
        // After the rollback the committed cert.pem is version 1; someone deletes it.
        fx.root.send("POST", "baozi/delete/vars/per-deployment/" + shop + "/web/cert.pem",
                JSON.createObjectNode().set("versions", JSON.createArrayNode().add(1))).requireOk("deleting version 1");
        assertThat(vars.fix(shop, set)).extracting(r -> r.getClass().getSimpleName())
                .containsExactlyInAnyOrder("Dropped", "Restored");
        assertThat(vars.check(shop, set)).allMatch(c -> c.status() instanceof GeneratorStatus.Ok);
        assertThat(vars.list(shop, set)).isNotEmpty();

        DeliveryOutcome outcome = new VarsDelivery(fx.orchestrator, vars.store()).issue(shop, set, DeliveryOptions.defaults());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Issued.class);
    }

    @Test
    void the_approle_may_write_no_policy_and_no_token_outside_the_delivery_role() {
        Map<String, String> wrapped = Map.of("X-Vault-Wrap-TTL", "60s");
        ObjectNode policyBody = JSON.createObjectNode().put("policy", "{\"path\": {\"*\": {\"capabilities\": [\"sudo\"]}}}");

        assertThat(asOrchestrator("PUT", "sys/policies/acl/other", policyBody, Map.of()).status()).isEqualTo(403);
        assertThat(asOrchestrator("PUT", "sys/policies/acl/baozi-vars-evil", policyBody, Map.of()).status())
                .as("no policy of its own making either, which it could then hand itself").isEqualTo(403);
        assertThat(asOrchestrator("PUT", "sys/policies/acl/baozi-vars-deployment", policyBody, Map.of()).status()).isEqualTo(403);
        assertThat(asOrchestrator("GET", "sys/policies/acl/" + OrchestratorAccess.POLICY, null, Map.of()).status()).isEqualTo(403);
        assertThat(asOrchestrator("POST", "auth/token/create", tokenRequest("baozi-vars-deployment"), wrapped).status()).isEqualTo(403);
        assertThat(asOrchestrator("POST", "auth/token/create-orphan", tokenRequest("baozi-vars-deployment"), wrapped).status()).isEqualTo(403);
        assertThat(asOrchestrator("POST", "auth/token/roles/" + OrchestratorAccess.VARS_DELIVERY_ROLE,
                JSON.createObjectNode().put("orphan", false), Map.of()).status()).isEqualTo(403);
        assertThat(asOrchestrator("POST", "baozi/destroy/states/x", JSON.createObjectNode().set("versions",
                JSON.createArrayNode().add(1)), Map.of()).status()).isEqualTo(403);
        assertThat(asOrchestrator("GET", "sys/mounts", null, Map.of()).status()).isEqualTo(403);
    }

    @Test
    void the_delivery_role_refuses_any_policy_but_a_deployments_and_any_unwrapped_answer() {
        String role = "auth/token/create/" + OrchestratorAccess.VARS_DELIVERY_ROLE;
        Map<String, String> wrapped = Map.of("X-Vault-Wrap-TTL", "60s");

        for (String policy : List.of(OrchestratorAccess.POLICY, "root", "default", "baozi-vars-other")) {
            OpenBaoResponse r = asOrchestrator("POST", role, tokenRequest(policy), wrapped);
            assertThat(r.status()).as("a token with policy %s", policy).isBetween(400, 403);
        }
        OpenBaoResponse unwrapped = asOrchestrator("POST", role, tokenRequest("baozi-vars-deployment"), Map.of());
        assertThat(unwrapped.status()).as("an unwrapped delivery token").isBetween(400, 403);
        assertThat(unwrapped.body().path("auth").path("client_token").isMissingNode()).isTrue();
        assertThat(asOrchestrator("POST", role, tokenRequest("baozi-vars-deployment"), Map.of("X-Vault-Wrap-TTL", "48h")).status())
                .as("a wrapping TTL above the policy's maximum").isBetween(400, 403);
        assertThat(asOrchestrator("POST", role, tokenRequest("baozi-vars-deployment"), wrapped).status()).isEqualTo(200);
    }

    @Test
    void provisioning_twice_keeps_the_role_and_the_policy_as_they_are() {
        var access = new OrchestratorAccess(fx.bao.rootAdmin(), VarsFixture.MOUNT, "baozi-transit");
        access.provisionAndIssue();

        var role = fx.root.send("GET", "auth/token/roles/" + OrchestratorAccess.VARS_DELIVERY_ROLE, null).requireOk("reading").data();

        assertThat(role.path("allowed_policies").toString()).isEqualTo("[\"baozi-vars-deployment\"]");
        assertThat(role.path("allowed_entity_aliases").toString()).isEqualTo("[\"*\"]");
        assertThat(role.path("orphan").asBoolean()).isTrue();
        assertThat(role.path("renewable").asBoolean()).isFalse();
    }
}
