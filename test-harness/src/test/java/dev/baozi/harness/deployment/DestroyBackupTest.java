package dev.baozi.harness.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.harness.proxmox.VmView;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every destroy run of a deployment backs its VM up first, on real parts: tofu with the bpg and
 * netbox providers, NetBox, OpenBao and the Proxmox simulator (disks with content). The backup is
 * listed by the API, and restoring it gives a new VM holding the marker the old one had.
 */
@Tag("tofu")
@Tag("netbox")
@Tag("slow")
class DestroyBackupTest {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String PREFIX = "10.80.0.0/24";
    private static final String MARKER_FILE = "/var/lib/baozi-test/marker";

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static Orchestrator orchestrator;
    private static ProxmoxClient pve;
    private static ApiClient operator;
    private static ApiClient approver;

    @BeforeAll
    static void start() {
        NetBoxServer netbox = NetBoxServer.shared();
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)));
        netbox.createPrefix(PREFIX);
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_NETBOX_URL", netbox.url().toString(),
                "BAOZI_NETBOX_TOKEN", netbox.token()));
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("opal", "operator");
        approver = admin.user("april", "approver");
        TestSupport.registerSimulator(admin, sim, "lab");
        pve = ProxmoxClient.connect(sim.baseUrl(), new ApiToken(sim.tokenId(), sim.tokenSecret()),
                TlsSettings.fingerprint(sim.tls().fingerprint()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (bao != null) {
            bao.close();
        }
    }

    /** Creates deployment {@code name} and applies it; returns its VM. */
    private static VmView applied(String name) {
        var created = operator.post("/workspaces", Map.of("name", name, "template", "deployment", "provider", "lab",
                "inputs", Map.of("hostname", name + ".lab.test", "pool", PREFIX, "agent_enabled", true)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        approveAndApply(queue(name, Map.of()), Map.of());
        return vm(name);
    }

    private static VmView vm(String name) {
        return sim.vms().stream().filter(v -> name.equals(v.config().get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no VM named " + name + " on the simulator"));
    }

    private static long queue(String workspace, Map<String, Object> body) {
        var queued = operator.post("/workspaces/" + workspace + "/runs", body);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
        long id = queued.body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned");
        return id;
    }

    private static JsonNode approveAndApply(long id, Map<String, Object> approval) {
        var approved = approver.post("/runs/" + id + "/approve", approval);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        return operator.awaitRun(id, WAIT, "applied", "errored");
    }

    private static String log(long run) {
        return operator.get("/runs/" + run + "/logs").body().toString();
    }

    @Test
    void a_destroy_run_backs_the_vm_up_first_and_the_backup_restores_into_a_new_vm_holding_the_same_marker() {
        VmView vm = applied("keep");
        String marker = "marker " + UUID.randomUUID();
        pve.writeGuestFile("pve1", vm.vmid(), MARKER_FILE, marker);

        long destroy = queue("keep", Map.of("destroy", true));
        JsonNode run = approveAndApply(destroy, Map.of("confirm_destroy", true));
        var listed = operator.get("/workspaces/keep/backups");
        JsonNode backup = listed.body().path("backups").get(0);

        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("applied");
        assertThat(log(destroy)).contains("backing up VM " + vm.vmid() + " (keep) on provider lab")
                .contains("backed up deployment keep before destroying it");
        assertThat(listed.body().path("backups")).hasSize(1);
        assertThat(backup.path("reason").asText()).isEqualTo("destroy");
        assertThat(backup.path("vmid").asInt()).isEqualTo(vm.vmid());
        assertThat(backup.path("provider").asText()).isEqualTo("lab");
        assertThat(backup.path("created_by").asText()).isEqualTo("user:opal");
        assertThat(backup.path("volid").asText()).startsWith("local:backup/vzdump-qemu-" + vm.vmid() + "-");
        assertThat(sim.vms()).as("the destroy went on after the backup").noneMatch(v -> "keep".equals(v.config().get("name")));

        var byOperator = operator.post("/workspaces/keep/backups/" + backup.path("id").asLong() + "/restore", Map.of());
        var restored = approver.post("/workspaces/keep/backups/" + backup.path("id").asLong() + "/restore", Map.of());
        int vmid = restored.body().path("vmid").asInt();
        pve.await(pve.start("pve1", vmid), Duration.ofSeconds(30));

        assertThat(byOperator.status()).as("an operator may not restore").isEqualTo(403);
        assertThat(restored.status()).as(restored.toString()).isEqualTo(201);
        assertThat(restored.body().path("provider").asText()).isEqualTo("lab");
        assertThat(pve.config("pve1", vmid).values()).containsEntry("name", "keep");
        assertThat(pve.readGuestFile("pve1", vmid, MARKER_FILE)).isEqualTo(marker);
    }

    @Test
    void a_failed_backup_stops_the_destroy_with_nothing_destroyed_and_the_next_destroy_run_goes_through() {
        VmView vm = applied("careful");

        sim.failNextTask("vzdump", "storage 'local' is full");
        long failing = queue("careful", Map.of("destroy", true));
        JsonNode errored = approveAndApply(failing, Map.of("confirm_destroy", true));

        assertThat(errored.path("status").asText()).isEqualTo("errored");
        assertThat(errored.path("error").asText()).startsWith("backing up the VM before destroying it: backing up VM " + vm.vmid()
                + " (careful) on provider lab").contains("storage 'local' is full").endsWith("; nothing was destroyed");
        assertThat(vm("careful").vmid()).as("the VM is still there").isEqualTo(vm.vmid());
        assertThat(operator.get("/workspaces/careful/backups").body().path("backups")).isEmpty();

        long again = queue("careful", Map.of("destroy", true));
        assertThat(approveAndApply(again, Map.of("confirm_destroy", true)).path("status").asText()).isEqualTo("applied");
        assertThat(operator.get("/workspaces/careful/backups").body().path("backups")).hasSize(1);
    }

    @Test
    void a_destroy_run_whose_vm_is_already_gone_says_so_and_destroys_the_rest() {
        VmView vm = applied("vanished");
        pve.await(pve.stop("pve1", vm.vmid()), Duration.ofSeconds(30));
        pve.await(pve.destroy("pve1", vm.vmid()), Duration.ofSeconds(30));

        long destroy = queue("vanished", Map.of("destroy", true));
        JsonNode run = approveAndApply(destroy, Map.of("confirm_destroy", true));

        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("applied");
        assertThat(log(destroy)).contains("no backup before the destroy: no VM on provider lab")
                .contains("carries the tag baozi-vanished: there is nothing to back up");
        assertThat(operator.get("/workspaces/vanished/backups").body().path("backups")).isEmpty();
    }

    @Test
    void an_operator_backs_a_deployment_up_by_hand_and_the_sweep_deletes_the_archive_and_the_record_once_it_expires() {
        VmView vm = applied("manual");

        var made = operator.post("/workspaces/manual/backups", Map.of());

        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.body().path("backups").get(0).path("reason").asText()).isEqualTo("manual");
        assertThat(made.body().path("backups").get(0).path("vmid").asInt()).isEqualTo(vm.vmid());
        assertThat(pve.backups("pve1", "local", vm.vmid())).extracting(v -> v.volid())
                .contains(made.body().path("backups").get(0).path("volid").asText());

        String volid = made.body().path("backups").get(0).path("volid").asText();
        assertThat(orchestrator.wiring().backupSweeper().sweepNow()).as("nothing has expired yet").isZero();
        orchestrator.database().dsl().execute("update backup set expires_at = ? where volid = ?",
                java.time.OffsetDateTime.now().minusMinutes(1), volid);

        assertThat(orchestrator.wiring().backupSweeper().sweepNow()).isEqualTo(1);
        assertThat(pve.backups("pve1", "local", vm.vmid())).extracting(v -> v.volid()).doesNotContain(volid);
        assertThat(operator.get("/workspaces/manual/backups").body().path("backups")).isEmpty();
    }
}
