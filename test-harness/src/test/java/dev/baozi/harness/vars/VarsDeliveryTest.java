package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.Deadline;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.delivery.DeliveredFile;
import dev.baozi.vars.delivery.DeliveryOptions;
import dev.baozi.vars.delivery.DeliveryOutcome;
import dev.baozi.vars.delivery.DeliveryPlan;
import dev.baozi.vars.delivery.MachineFetch;
import dev.baozi.vars.delivery.VarsDelivery;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.vars.store.DeploymentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Delivery against a real OpenBao: the orchestrator issues wrapped tokens; the machine unwraps once and reads its own files only. */
@Tag("openbao")
class VarsDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static VarsFixture fx;
    private static VarsService vars;
    private static VarsDelivery delivery;
    private static MachineFetch machine;
    private static String ca;
    private static GeneratorSet set;
    private static DeploymentName shop;
    private static DeploymentName other;

    @BeforeAll
    static void start() throws Exception {
        fx = VarsFixture.start();
        vars = fx.service();
        delivery = new VarsDelivery(fx.orchestrator, vars.store());
        machine = MachineFetch.over(fx.bao.address(), Duration.ofSeconds(5));
        ca = VarsFixture.unique("ca");
        set = VarsFixture.definitions("""
                {"generators": {
                  "{ca}": {"kind": "ca", "share": true, "params": {"subject": "CN=Shop CA"}},
                  "web": {"kind": "ca-signed-certificate", "params": {"ca": "{ca}", "subject": "web.shop.example"}},
                  "db": {"kind": "password"},
                  "seed": {"kind": "hex-token", "files": {"token": {"deploy": false}}}
                }}""", "ca", ca);
        shop = VarsFixture.deployment("shop");
        other = VarsFixture.deployment("other");
        vars.generate(shop, set, GenerateRequest.all());
        vars.generate(other, set, GenerateRequest.all());
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static DeliveryOutcome.Issued issue(DeploymentName d, Duration wrapTtl) {
        return (DeliveryOutcome.Issued) delivery.issue(d, set, new DeliveryOptions(wrapTtl, Duration.ofSeconds(60)));
    }

    private static String value(DeploymentName d, String generator, String file) {
        return vars.get(d, set, GeneratorName.of(generator), file).orElseThrow().text();
    }

    private static int readStatus(String token, String path) {
        OpenBaoApi api = (m, p, b, h) -> fx.orchestrator.withToken(token).send(m, p, b, h);
        return api.send("GET", VarsFixture.MOUNT + "/data/" + path, null).status();
    }

    @Test
    void unwrapping_once_gives_a_token_that_reads_exactly_the_deployments_delivered_files() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));

        Map<String, FileValue> files = machine.fetch(issued.token().wrappingToken(), issued.plan());

        assertThat(files).containsOnlyKeys(ca + "/cert.pem", "web/key.pem", "web/cert.pem", "web/ca.pem", "db/password");
        assertThat(files.get("db/password").text()).isEqualTo(value(shop, "db", "password"));
        assertThat(files.get("web/key.pem").text()).isEqualTo(value(shop, "web", "key.pem"));
        assertThat(issued.token().toString()).doesNotContain(issued.token().wrappingToken());
        assertThat(issued.policy()).isEqualTo("baozi-vars-deployment");
    }

    @Test
    void the_unwrapped_token_cannot_read_another_deployment_nor_undelivered_files_nor_manifests() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));
        String token = machine.unwrap(issued.token().wrappingToken()).token();

        // Each refused read still spends a use; the token has one use per planned file.
        assertThat(readStatus(token, "vars/per-deployment/" + other + "/db/password")).isEqualTo(403);
        assertThat(readStatus(token, "vars/private/shared/" + ca + "/key.pem")).isEqualTo(403);
        assertThat(readStatus(token, "vars/private/per-deployment/" + shop + "/seed/token")).isEqualTo(403);
        assertThat(readStatus(token, "vars/per-deployment/" + shop + "/db/_manifest")).isEqualTo(403);
        assertThat(readStatus(token, "vars/per-deployment/" + shop + "/db/password")).isEqualTo(200);
    }

    @Test
    void unwrapping_a_second_time_is_refused() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));
        machine.unwrap(issued.token().wrappingToken());

        assertThatThrownBy(() -> machine.unwrap(issued.token().wrappingToken()))
                .isInstanceOf(OpenBaoRefusedException.class)
                .hasMessageStartingWith("unwrapping the delivery token: OpenBao answered HTTP 400");
    }

    @Test
    void unwrapping_after_the_wrap_ttl_is_refused() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(2));
        assertThat(issued.token().ttl()).isEqualTo(Duration.ofSeconds(2));

        // Looking a wrapping token up does not use it; wait until OpenBao no longer knows it.
        Deadline.await("the wrapping token to expire", Duration.ofSeconds(30), () -> fx.root.send("POST",
                "sys/wrapping/lookup", JSON.createObjectNode().put("token", issued.token().wrappingToken())).status() == 400);

        assertThatThrownBy(() -> machine.unwrap(issued.token().wrappingToken()))
                .isInstanceOf(OpenBaoRefusedException.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void the_delivery_token_is_an_orphan_with_only_the_deployment_policy_and_one_use_per_file() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));

        JsonNode info = fx.root.send("POST", "auth/token/lookup-accessor",
                JSON.createObjectNode().put("accessor", issued.token().wrappedAccessor())).requireOk("looking up").data();

        assertThat(info.path("policies")).containsExactly(JSON.getNodeFactory().textNode("baozi-vars-deployment"));
        JsonNode entity = fx.root.send("GET", "identity/entity/id/" + info.path("entity_id").asText(), null).requireOk("entity").data();
        assertThat(entity.path("aliases").findValuesAsText("name")).as("the token's entity alias is its deployment")
                .containsExactly(shop.value());
        assertThat(info.path("orphan").asBoolean()).isTrue();
        assertThat(info.path("renewable").asBoolean()).isFalse();
        assertThat(info.path("num_uses").asInt()).isEqualTo(issued.plan().files().size()).isEqualTo(5);
        assertThat(info.path("ttl").asLong()).isBetween(1L, 60L);
    }

    @Test
    void a_used_up_token_reads_nothing_more() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));
        String token = machine.unwrap(issued.token().wrappingToken()).token();
        machine.read(token, issued.plan());

        assertThat(readStatus(token, issued.plan().files().getFirst().path())).isEqualTo(403);
    }

    @Test
    void the_read_policy_is_one_template_resolved_to_each_tokens_own_deployment() throws Exception {
        JsonNode policy = JSON.readTree(fx.root.send("GET", "sys/policies/acl/baozi-vars-deployment", null)
                .requireOk("reading the policy").data().path("policy").asText());
        String self = "{{identity.entity.aliases." + fx.root.send("GET", "sys/auth", null).requireOk("auth").data()
                .path("token/").path("accessor").asText() + ".name}}";

        assertThat(policy.path("path").propertyStream().map(Map.Entry::getKey).toList()).containsExactlyInAnyOrder(
                "baozi/data/vars/per-deployment/" + self + "/*", "baozi/data/vars/per-deployment/" + self + "/+/_manifest",
                "baozi/data/vars/shared/*", "baozi/data/vars/shared/+/_manifest");
        assertThat(policy.toString()).doesNotContain("private").doesNotContain("metadata").doesNotContain("list");
    }

    @Test
    void the_plan_pins_the_committed_versions_and_travels_as_json() {
        DeliveryOutcome.Issued issued = issue(shop, Duration.ofSeconds(60));

        DeliveryPlan copy = DeliveryPlan.fromJson(issued.plan().toJson());

        assertThat(copy).isEqualTo(issued.plan());
        assertThat(copy.files()).extracting(DeliveredFile::version).containsOnly(1L);
        assertThat(copy.toJson().toString()).doesNotContain(value(shop, "db", "password"));
    }

    @Test
    void nothing_is_issued_for_a_deployment_whose_generators_have_not_run() {
        DeploymentName fresh = VarsFixture.deployment("fresh");

        DeliveryOutcome outcome = delivery.issue(fresh, set, DeliveryOptions.defaults());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.NotReady.class);
        assertThat(((DeliveryOutcome.NotReady) outcome).reasons()).containsExactlyInAnyOrder(
                "generator web (deployment " + fresh + ") has no committed ca.pem; run generate",
                "generator web (deployment " + fresh + ") has no committed cert.pem; run generate",
                "generator web (deployment " + fresh + ") has no committed key.pem; run generate",
                "generator db (deployment " + fresh + ") has no committed password; run generate");
    }
}
