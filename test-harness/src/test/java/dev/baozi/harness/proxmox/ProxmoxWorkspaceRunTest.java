package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A workspace of {@code tf-modules/proxmox-vm} on a provider, driven through Baozi's runs (plan,
 * another person approves, apply) with the real tofu and bpg/proxmox against the simulator:
 * create, no changes, an update in place, a requested replacement, destroy; and the provider's
 * token secret nowhere but in OpenBao and tofu's environment.
 */
@Tag("tofu")
class ProxmoxWorkspaceRunTest {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String VM = "module.proxmox-vm.proxmox_virtual_environment_vm.vm";

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(100)));
        orchestrator = TestSupport.orchestrator(bao, Map.of());
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("paula", "operator");
        approver = admin.user("piet", "approver");
        TestSupport.registerSimulator(admin, sim, "lab");
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

    /** Queues a plan, waits for it, has the approver approve it and waits for the apply; returns the plan's run. */
    private static JsonNode planApproveApply(Map<String, Object> request, String expectedPlan, boolean confirmDestroy) {
        var queued = operator.post("/workspaces/web/runs", request);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
        long id = queued.body().path("id").asLong();
        JsonNode planned = operator.awaitRun(id, WAIT, expectedPlan);
        var approved = approver.post("/runs/" + id + "/approve", Map.of("comment", "ok", "confirm_destroy", confirmDestroy));
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        operator.awaitRun(id, WAIT, "applied");
        return planned;
    }

    private static long planNoChanges() {
        long id = operator.post("/workspaces/web/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned_no_changes");
        return id;
    }

    private static int vmid() {
        int[] ids = sim.vms().stream().mapToInt(VmView::vmid).filter(id -> id != 9000).toArray();
        assertThat(ids).as("one VM besides the template").hasSize(1);
        return ids[0];
    }

    @Test
    void a_vm_is_created_updated_in_place_replaced_and_destroyed_through_approved_runs() throws Exception {
        var created = operator.post("/workspaces", Map.of("name", "web", "template", "proxmox-vm", "provider", "lab",
                "inputs", Map.of("name", "web", "cores", 2, "memory_mb", 2048, "vlan_id", 30,
                        "ipv4_address", "192.0.2.20/24", "ipv4_gateway", "192.0.2.1")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode create = planApproveApply(Map.of(), "planned", false);
        int vmid = vmid();
        VmView vm = sim.vm(vmid).orElseThrow();
        long quiet = planNoChanges();

        assertThat(create.path("summary").path("adds").asInt()).isEqualTo(1);
        assertThat(vm.status()).isEqualTo("running");
        assertThat(vm.config()).containsEntry("name", "web").containsEntry("cores", "2").containsEntry("memory", "2048")
                .containsEntry("ipconfig0", "gw=192.0.2.1,ip=192.0.2.20/24");
        assertThat(vm.config().get("net0")).endsWith(",bridge=vmbr0,firewall=0,tag=30");
        assertThat(operator.get("/runs/" + quiet + "/logs").body().toString()).contains("Plan: 0 to add, 0 to change, 0 to destroy.")
                .doesNotContain("Drift detected");

        var patch = operator.call("PATCH", "/workspaces/web", Map.of("inputs", Map.of("cores", 4, "memory_mb", 4096)));
        assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
        JsonNode update = planApproveApply(Map.of(), "planned", false);
        VmView updated = sim.vm(vmid).orElseThrow();
        planNoChanges();

        assertThat(update.path("summary").path("changes").asInt()).isEqualTo(1);
        assertThat(update.path("summary").path("replaces").asInt()).isZero();
        assertThat(updated.config()).containsEntry("cores", "4").containsEntry("memory", "4096");
        assertThat(updated.config().get("smbios1")).as("the same VM, changed in place").isEqualTo(vm.config().get("smbios1"));

        JsonNode replace = planApproveApply(Map.of("replace", List.of(VM)), "planned", true);
        VmView replacement = sim.vm(vmid()).orElseThrow();
        planNoChanges();

        assertThat(replace.path("summary").path("replaces").asInt()).isEqualTo(1);
        assertThat(replacement.config().get("smbios1")).as("a new VM").isNotEqualTo(vm.config().get("smbios1"));
        assertThat(replacement.config()).containsEntry("cores", "4");

        String stateToken = TestSupport.client(orchestrator).token("web", "read-only");
        JsonNode versions = admin.get("/workspaces/web/state/versions").body();
        StringBuilder everyState = new StringBuilder();
        for (JsonNode v : versions.path("versions")) {
            everyState.append(admin.get("/workspaces/web/state/versions/" + v.path("version").asText()).body());
        }
        String logs = allLogs();

        JsonNode destroy = planApproveApply(Map.of("destroy", true), "planned", true);

        assertThat(destroy.path("summary").path("destroys").asInt()).isEqualTo(1);
        assertThat(sim.vms()).extracting(VmView::vmid).containsExactly(9000);
        assertThat(sim.unknownCalls()).as("requests the simulator has no route for").isEmpty();
        assertThat(versions.path("versions").size()).isGreaterThanOrEqualTo(3);
        assertThat(everyState.toString()).contains("proxmox_virtual_environment_vm")
                .doesNotContain(sim.tokenSecret()).doesNotContain(sim.tokenId() + "=");
        assertThat(logs).contains("Apply complete").doesNotContain(sim.tokenSecret());
        assertThat(allLogs()).doesNotContain(sim.tokenSecret());
        assertThat(admin.get("/workspaces/web/files").body().toString()).doesNotContain(sim.tokenSecret())
                .doesNotContain(sim.baseUrl().getHost() + ":" + sim.port());
        assertThat(stateToken).isNotBlank();
    }

    @Test
    void a_workspace_naming_a_provider_that_does_not_exist_is_refused() {
        var refused = operator.post("/workspaces", Map.of("name", "nowhere", "template", "proxmox-vm", "provider", "elsewhere",
                "inputs", Map.of("name", "nowhere")));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).contains("provider: no provider named 'elsewhere'");
    }

    @Test
    void a_run_whose_provider_refuses_the_token_ends_errored_saying_so() {
        var bad = admin.post("/providers", Map.of("name", "wrong-secret", "endpoint", sim.baseUrl().toString(),
                "token_id", sim.tokenId(), "token_secret", "not-the-secret", "check", false,
                "tls", Map.of("fingerprint", sim.tls().fingerprint().toLowerCase(Locale.ROOT)), "default_node", "pve1"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(201);
        assertThat(operator.post("/workspaces", Map.of("name", "refused", "template", "proxmox-vm", "provider", "wrong-secret",
                "inputs", Map.of("name", "refused"))).status()).isEqualTo(201);

        long id = operator.post("/workspaces/refused/runs", Map.of()).body().path("id").asLong();
        JsonNode errored = operator.awaitRun(id, WAIT, "errored");

        assertThat(errored.path("error").asText()).startsWith("getting the credentials of provider wrong-secret for this run: ")
                .contains("refused the API token " + sim.tokenId() + " (HTTP 401)");
        assertThat(errored.path("summary").isNull()).as("no plan was made").isTrue();
        assertThat(operator.get("/runs/" + id + "/logs").body().toString()).doesNotContain("not-the-secret");
    }

    private static String allLogs() {
        StringBuilder all = new StringBuilder();
        for (JsonNode run : operator.get("/workspaces/web/runs").body().path("runs")) {
            all.append(operator.get("/runs/" + run.path("id").asLong() + "/logs").body());
        }
        return all.toString();
    }
}
