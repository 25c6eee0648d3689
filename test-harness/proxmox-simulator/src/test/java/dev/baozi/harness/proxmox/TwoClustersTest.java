package dev.baozi.harness.proxmox;

import static dev.baozi.harness.proxmox.PveHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two simulators as two providers' clusters: {@code remote_migrate} from A to B (endpoint, token and
 * fingerprint checked, the disk's content moved), and a backup storage both share.
 */
class TwoClustersTest {

    private static final String MARKER = "/var/lib/baozi/migration-marker";

    @TempDir
    Path shared;

    private ProxmoxSimulator a;
    private ProxmoxSimulator b;
    private PveHttp pveA;
    private PveHttp pveB;

    @BeforeEach
    void start() {
        var options = ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)).withSharedBackupDir(shared);
        a = ProxmoxSimulator.start(options);
        b = ProxmoxSimulator.start(options.withToken("root@pam!baozi", "secret-of-b"));
        pveA = new PveHttp(a);
        pveB = new PveHttp(b);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    /** VM 100 on A: a full clone of the template, started, with the marker written through the guest agent, then shut down. */
    private void vmWithMarker(boolean leaveRunning) {
        ok(pveA, "pve1", pveA.post("/nodes/pve1/qemu/9000/clone", params("newid", "100", "name", "app", "full", "1")));
        ok(pveA, "pve1", pveA.post("/nodes/pve1/qemu/100/status/start", Map.of()));
        var write = pveA.post("/nodes/pve1/qemu/100/agent/file-write", params("file", MARKER, "content", "marker-42"));
        assertThat(write.status()).as(write.body().toString()).isEqualTo(200);
        if (!leaveRunning) {
            ok(pveA, "pve1", pveA.post("/nodes/pve1/qemu/100/status/shutdown", Map.of()));
        }
    }

    private static JsonNode ok(PveHttp pve, String node, PveHttp.Answer started) {
        assertThat(started.status()).as(started.body().toString()).isEqualTo(200);
        JsonNode done = pve.awaitTask(node, started.data().asText());
        assertThat(done.get("exitstatus").asText()).isEqualTo("OK");
        return done;
    }

    private PveHttp.Answer migrate(String endpoint, String... extra) {
        Map<String, String> p = new java.util.LinkedHashMap<>(params("target-endpoint", endpoint, "target-storage", "local-lvm",
                "target-bridge", "vmbr0", "target-vmid", "300"));
        p.putAll(params(extra));
        return pveA.post("/nodes/pve1/qemu/100/remote_migrate", p);
    }

    @Test
    void remote_migrate_moves_the_disk_with_the_marker_and_keeps_the_source_stopped() {
        vmWithMarker(false);

        ok(pveA, "pve1", migrate(b.remoteEndpoint()));

        VmView moved = b.vm(300).orElseThrow();
        assertThat(moved.node()).isEqualTo("pve1");
        assertThat(moved.lock()).isNull();
        assertThat(moved.status()).isEqualTo("stopped");
        assertThat(moved.config().get("scsi0")).isEqualTo("local-lvm:vm-300-disk-0,size=3G");
        assertThat(moved.config().get("net0")).contains("bridge=vmbr0");
        assertThat(moved.config().get("name")).isEqualTo("app");
        assertThat(b.guestFile(300, MARKER)).hasValue("marker-42");
        assertThat(b.volumes("pve1", "local-lvm")).anyMatch(v -> v.volid().equals("local-lvm:vm-300-disk-0"));
        assertThat(a.vm(100).orElseThrow().status()).isEqualTo("stopped");
        assertThat(a.vm(100).orElseThrow().lock()).isNull();
        assertThat(a.guestFile(100, MARKER)).hasValue("marker-42");
    }

    @Test
    void remote_migrate_with_delete_removes_the_source_and_maps_the_bridge() {
        vmWithMarker(false);
        b.bridges("pve1", java.util.List.of("vmbr0", "vmbr9"));

        var started = pveA.post("/nodes/pve1/qemu/100/remote_migrate", params("target-endpoint", b.remoteEndpoint(),
                "target-storage", "local-lvm:local-lvm", "target-bridge", "vmbr0:vmbr9", "delete", "1"));
        JsonNode done = ok(pveA, "pve1", started);

        assertThat(done.get("type").asText()).isEqualTo("qmigrate");
        assertThat(a.vm(100)).isEmpty();
        assertThat(a.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == 100);
        assertThat(b.vm(100).orElseThrow().config().get("net0")).contains("bridge=vmbr9");
        assertThat(b.guestFile(100, MARKER)).hasValue("marker-42");
    }

    @Test
    void a_running_vm_is_refused_without_online_and_moved_live_with_it() {
        vmWithMarker(true);

        var refused = migrate(b.remoteEndpoint());
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.body().get("message").asText()).isEqualTo("can't migrate running VM without --online\n");

        ok(pveA, "pve1", migrate(b.remoteEndpoint(), "online", "1"));
        assertThat(b.vm(300).orElseThrow().status()).isEqualTo("running");
        assertThat(a.vm(100).orElseThrow().status()).isEqualTo("stopped");
    }

    @Test
    void a_token_that_is_not_the_targets_is_refused_and_nothing_moves() {
        vmWithMarker(false);
        String wrongToken = b.remoteEndpoint().replace("secret-of-b", "not-the-secret");

        var refused = migrate(wrongToken);

        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.body().get("message").asText()).isEqualTo("401 authentication failure\n");
        assertThat(b.vm(300)).isEmpty();
        assertThat(a.vm(100).orElseThrow().lock()).isNull();
    }

    @Test
    void a_fingerprint_that_is_not_the_targets_certificates_is_refused_naming_the_real_one() {
        vmWithMarker(false);
        String fp = b.tls().fingerprint();
        String other = (fp.startsWith("AA") ? "BB" : "AA") + fp.substring(2);

        var refused = migrate(b.remoteEndpoint().replace(fp, other));
        var missing = migrate(b.remoteEndpoint().replace(",fingerprint=" + fp, ""));

        assertThat(refused.body().get("message").asText()).isEqualTo("fingerprint '" + fp + "' not verified, abort!\n");
        assertThat(missing.body().get("message").asText()).isEqualTo("fingerprint '" + fp + "' not verified, abort!\n");
        assertThat(b.vm(300)).isEmpty();
    }

    @Test
    void an_endpoint_no_simulator_listens_on_is_refused_naming_it() {
        vmWithMarker(false);
        String nowhere = b.remoteEndpoint().replace("port=" + b.port(), "port=1");

        var refused = migrate(nowhere);

        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.body().get("message").asText()).isEqualTo("Can't connect to 127.0.0.1:1 (Connection refused)\n");
    }

    @Test
    void an_identity_storage_map_is_refused_as_pve_refuses_it() {
        vmWithMarker(false);

        var refused = pveA.post("/nodes/pve1/qemu/100/remote_migrate", params("target-endpoint", b.remoteEndpoint(),
                "target-storage", "1", "target-bridge", "vmbr0"));

        assertThat(refused.body().get("message").asText()).isEqualTo("remote migration requires explicit storage mapping!\n");
    }

    @Test
    void a_missing_bridge_or_taken_vmid_on_the_target_fails_the_task_saying_which() {
        vmWithMarker(false);
        b.bridges("pve1", java.util.List.of("vmbr1"));

        String upid = migrate(b.remoteEndpoint()).data().asText();
        JsonNode done = pveA.awaitTask("pve1", upid);

        assertThat(done.get("exitstatus").asText()).isEqualTo("target: bridge 'vmbr0' does not exist on node 'pve1'");
        assertThat(ProxmoxSimulatorTest.taskLog(a, pveA, "pve1", upid)).last()
                .isEqualTo("TASK ERROR: target: bridge 'vmbr0' does not exist on node 'pve1'");
        assertThat(b.vm(300)).isEmpty();

        b.bridges("pve1", java.util.List.of("vmbr0"));
        JsonNode taken = pveA.awaitTask("pve1", pveA.post("/nodes/pve1/qemu/100/remote_migrate", params("target-endpoint",
                b.remoteEndpoint(), "target-storage", "local-lvm", "target-bridge", "vmbr0", "target-vmid", "9000")).data().asText());
        assertThat(taken.get("exitstatus").asText())
                .isEqualTo("target: unable to create VM 9000 - VM 9000 already exists on node 'pve1'");
        assertThat(b.vm(9000).orElseThrow().template()).isTrue();
    }

    @Test
    void a_migration_failing_half_way_leaves_the_source_intact_and_no_vm_on_the_target() {
        vmWithMarker(false);
        a.failNextTask("qmigrate", "migration aborted: tunnel closed", ProxmoxSimulator.FailAt.HALF_WAY);

        String upid = migrate(b.remoteEndpoint()).data().asText();
        JsonNode done = pveA.awaitTask("pve1", upid);

        assertThat(done.get("exitstatus").asText()).isEqualTo("migration aborted: tunnel closed");
        assertThat(ProxmoxSimulatorTest.taskLog(a, pveA, "pve1", upid)).anyMatch(l -> l.endsWith("(50.00%)"))
                .noneMatch(l -> l.endsWith("(100.00%)"));
        assertThat(b.vm(300)).isEmpty();
        assertThat(b.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == 300);
        assertThat(a.vm(100).orElseThrow().lock()).isNull();
        assertThat(a.guestFile(100, MARKER)).hasValue("marker-42");

        ok(pveA, "pve1", migrate(b.remoteEndpoint()));
        assertThat(b.guestFile(300, MARKER)).hasValue("marker-42");
    }

    @Test
    void a_backup_made_on_one_cluster_is_listed_and_restored_on_the_other_with_its_content() {
        vmWithMarker(false);

        String volid = ProxmoxSimulatorTest.backup(a, pveA, 100, Disks.SHARED_BACKUP);
        JsonNode onB = pveB.get("/nodes/pve2/storage/shared-backup/content", params("content", "backup")).data();
        ok(pveB, "pve2", pveB.post("/nodes/pve2/qemu", params("vmid", "400", "archive", volid, "storage", "local-lvm")));

        assertThat(volid).startsWith("shared-backup:backup/vzdump-qemu-100-");
        assertThat(onB).hasSize(1);
        assertThat(onB.get(0).get("volid").asText()).isEqualTo(volid);
        assertThat(onB.get(0).get("vmid").asInt()).isEqualTo(100);
        JsonNode storage = pveB.get("/nodes/pve2/storage/shared-backup/status").data();
        assertThat(storage.get("shared").asInt()).isEqualTo(1);
        assertThat(storage.get("content").asText()).isEqualTo("backup");
        assertThat(b.vm(400).orElseThrow().node()).isEqualTo("pve2");
        assertThat(b.guestFile(400, MARKER)).hasValue("marker-42");

        ok(pveB, "pve2", pveB.delete("/nodes/pve2/storage/shared-backup/content/" + PveHttp.encode(volid), Map.of()));
        assertThat(pveA.get("/nodes/pve1/storage/shared-backup/content", Map.of()).data()).isEmpty();
    }
}
