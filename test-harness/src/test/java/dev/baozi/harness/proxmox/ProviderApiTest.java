package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.openbao.KvV2;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.CloneRequest;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/providers} on the real orchestrator with a real OpenBao and the Proxmox simulator:
 * the token secret goes to OpenBao and nowhere else, the cluster is checked before saving, and the
 * inventory marks the VMs Baozi manages.
 */
@Tag("openbao")
class ProviderApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ProxmoxSimulator sim;
    private static ApiClient admin;
    private static ApiClient viewer;
    private static ApiClient operator;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)));
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        viewer = admin.user("vera", "viewer");
        operator = admin.user("otto", "operator");
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (sim != null) {
            sim.close();
        }
        bao.close();
    }

    /** A create body for the simulator, pinned to its certificate's fingerprint. */
    private static Map<String, Object> body(String name) {
        Map<String, Object> b = new HashMap<>();
        b.put("name", name);
        b.put("endpoint", sim.baseUrl().toString());
        b.put("token_id", sim.tokenId());
        b.put("token_secret", sim.tokenSecret());
        b.put("tls", Map.of("fingerprint", sim.tls().fingerprint().toLowerCase(java.util.Locale.ROOT)));
        b.put("default_node", "pve1");
        return b;
    }

    private static KvV2 kv() {
        return TestSupport.kv(orchestrator.openbao());
    }

    /** Every row of every table the migrations made, as CSV. */
    private static String everythingInTheDatabase() {
        var dsl = orchestrator.database().dsl();
        StringBuilder all = new StringBuilder();
        for (var table : dev.baozi.orchestrator.db.jooq.DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            all.append(dsl.selectFrom(table).fetch().formatCSV());
        }
        return all.toString();
    }

    @Test
    void an_admin_adds_a_provider_checked_against_the_cluster_and_its_secret_is_in_openbao_only() {
        var b = body("lab");
        b.put("template_vmid", 9000);

        var created = admin.post("/providers", b);
        var listed = viewer.get("/providers");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body().path("checked").asBoolean()).isTrue();
        assertThat(created.body().path("proxmox_version").asText()).isEqualTo(ClusterController.VERSION);
        assertThat(created.body().path("endpoint").asText()).isEqualTo("https://127.0.0.1:" + sim.port());
        assertThat(created.body().path("tls").path("mode").asText()).isEqualTo("fingerprint");
        assertThat(created.body().path("tls").path("fingerprint").asText()).isEqualTo(sim.tls().fingerprint());
        assertThat(created.body().path("template_vmid").asInt()).isEqualTo(9000);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().path("providers").findValuesAsText("name")).contains("lab");
        assertThat(kv().read(ProviderService.secretPath("lab")).orElseThrow().text("secret")).isEqualTo(sim.tokenSecret());
        assertThat(created.body().toString()).doesNotContain(sim.tokenSecret());
        assertThat(listed.body().toString()).doesNotContain(sim.tokenSecret());
        assertThat(everythingInTheDatabase()).contains("lab").doesNotContain(sim.tokenSecret());
    }

    @Test
    void a_provider_trusting_the_simulators_ca_is_added_too() {
        var b = body("lab-ca");
        b.put("tls", Map.of("ca_pem", sim.tls().caPem()));

        var created = admin.post("/providers", b);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body().path("tls").path("mode").asText()).isEqualTo("ca");
        assertThat(created.body().path("tls").path("ca_subject").asText()).contains("Baozi Proxmox simulator CA");
    }

    @Test
    void the_inventory_lists_nodes_and_vms_and_marks_those_baozi_manages() {
        assertThat(admin.post("/providers", body("inv")).status()).isEqualTo(201);
        var created = operator.post("/workspaces", Map.of("name", "shop", "template", "demo-data"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        var pve = ProxmoxClient.connect(sim.baseUrl(), new ApiToken(sim.tokenId(), sim.tokenSecret()),
                TlsSettings.fingerprint(sim.tls().fingerprint()));
        pve.await(pve.clone("pve1", 9000, CloneRequest.full(401, "tagged")), WAIT);
        pve.await(pve.configure("pve1", 401, Map.of("tags", "baozi")), WAIT);
        pve.await(pve.clone("pve1", 9000, CloneRequest.full(402, "shop")), WAIT);
        pve.await(pve.clone("pve1", 9000, CloneRequest.full(403, "someone-elses")), WAIT);

        var inventory = viewer.get("/providers/inv/inventory");
        JsonNode vms = inventory.body().path("vms");

        assertThat(inventory.status()).as(inventory.toString()).isEqualTo(200);
        assertThat(inventory.body().path("nodes").findValuesAsText("name")).containsExactly("pve1", "pve2");
        assertThat(inventory.body().path("nodes").get(0).path("status").asText()).isEqualTo("online");
        assertThat(managed(vms, 401)).isTrue();
        assertThat(managed(vms, 402)).isTrue();
        assertThat(managed(vms, 403)).isFalse();
        assertThat(managed(vms, 9000)).isFalse();
        assertThat(vm(vms, 9000).path("template").asBoolean()).isTrue();
        assertThat(vm(vms, 401).path("tags").get(0).asText()).isEqualTo("baozi");
        assertThat(vm(vms, 401).path("maxmem").asLong()).isEqualTo(1024L << 20);
    }

    private static JsonNode vm(JsonNode vms, int vmid) {
        for (JsonNode v : vms) {
            if (v.path("vmid").asInt() == vmid) {
                return v;
            }
        }
        throw new AssertionError("no VM " + vmid + " in " + vms);
    }

    private static boolean managed(JsonNode vms, int vmid) {
        return vm(vms, vmid).path("managed").asBoolean();
    }

    @Test
    void a_wrong_token_secret_is_422_naming_the_token_and_nothing_is_saved() {
        var b = body("wrong-token");
        b.put("token_secret", "00000000-0000-0000-0000-000000000000");

        var refused = admin.post("/providers", b);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.error()).contains("refused the API token root@pam!baozi (HTTP 401)")
                .doesNotContain("00000000-0000-0000-0000-000000000000");
        assertThat(admin.get("/providers").body().path("providers").findValuesAsText("name")).doesNotContain("wrong-token");
        assertThat(kv().read(ProviderService.secretPath("wrong-token"))).isEmpty();
    }

    @Test
    void a_fingerprint_that_is_not_the_hosts_is_422_naming_the_tls_problem() {
        var b = body("wrong-pin");
        String other = (sim.tls().fingerprint().startsWith("AA") ? "BB" : "AA") + sim.tls().fingerprint().substring(2);
        b.put("tls", Map.of("fingerprint", other));

        var refused = admin.post("/providers", b);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.error()).contains("TLS refused the connection").contains("not the pinned " + other);
    }

    @Test
    void a_default_node_or_template_the_cluster_lacks_is_422_naming_the_field() {
        var noNode = body("no-node");
        noNode.put("default_node", "pve9");
        var notTemplate = body("not-template");
        notTemplate.put("template_vmid", 4242);

        var node = admin.post("/providers", noNode);
        var template = admin.post("/providers", notTemplate);

        assertThat(node.status()).isEqualTo(422);
        assertThat(node.error()).contains("default_node: Proxmox at https://127.0.0.1:" + sim.port() + " has no node 'pve9' (it has: pve1, pve2)");
        assertThat(template.status()).isEqualTo(422);
        assertThat(template.error()).contains("template_vmid: Proxmox at").contains("has no VM 4242");
    }

    @Test
    void an_unreachable_cluster_is_502_unless_the_check_is_skipped() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var b = body("offline");
        b.put("endpoint", "https://127.0.0.1:" + closed);

        var refused = admin.post("/providers", b);
        b.put("check", false);
        var unchecked = admin.post("/providers", b);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
        assertThat(refused.error()).contains("cannot reach Proxmox at https://127.0.0.1:" + closed).contains("\"check\": false");
        assertThat(unchecked.status()).as(unchecked.toString()).isEqualTo(201);
        assertThat(unchecked.body().path("checked").asBoolean()).isFalse();
        assertThat(viewer.get("/providers/offline/inventory").status()).isEqualTo(502);
    }

    @Test
    void bad_settings_are_400_naming_each_field_without_the_secret() {
        var b = body("Bad_Name");
        b.put("endpoint", "http://pve.example");
        b.put("tls", Map.of("fingerprint", "AA:BB", "insecure", true));

        var refused = admin.post("/providers", b);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("problems").size()).isEqualTo(4);
        assertThat(refused.error()).contains("name: ").contains("endpoint: ").contains("tls.fingerprint: ")
                .contains("tls: give only one of ca_pem, fingerprint or insecure: true")
                .doesNotContain(sim.tokenSecret());
    }

    @Test
    void a_second_provider_of_the_same_name_is_409() {
        assertThat(admin.post("/providers", body("twice")).status()).isEqualTo(201);

        var again = admin.post("/providers", body("twice"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("provider twice already exists; delete it first to change it");
    }

    @Test
    void a_viewer_may_list_and_look_but_not_add_or_delete() {
        assertThat(admin.post("/providers", body("look")).status()).isEqualTo(201);

        assertThat(viewer.get("/providers/look/inventory").status()).isEqualTo(200);
        assertThat(viewer.post("/providers", body("mine")).status()).isEqualTo(403);
        assertThat(operator.call("DELETE", "/providers/look", null).status()).isEqualTo(403);
        assertThat(new ApiClient(orchestrator.port(), "not-a-token").get("/providers").status()).isEqualTo(401);
    }

    @Test
    void deleting_a_provider_destroys_its_secret_in_openbao() {
        assertThat(admin.post("/providers", body("gone")).status()).isEqualTo(201);
        assertThat(kv().read(ProviderService.secretPath("gone"))).isPresent();

        var deleted = admin.call("DELETE", "/providers/gone", null);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(kv().read(ProviderService.secretPath("gone"))).isEmpty();
        assertThat(kv().metadata(ProviderService.secretPath("gone"))).isEmpty();
        assertThat(viewer.get("/providers/gone/inventory").status()).isEqualTo(404);
        assertThat(admin.call("DELETE", "/providers/gone", null).status()).isEqualTo(404);
    }
}
