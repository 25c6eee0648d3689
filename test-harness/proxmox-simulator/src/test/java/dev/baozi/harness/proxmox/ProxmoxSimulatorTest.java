package dev.baozi.harness.proxmox;

import static dev.baozi.harness.proxmox.PveHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator answers as PVE does: authentication, parameter checks, tasks, config round trips, backups. */
class ProxmoxSimulatorTest {

    private ProxmoxSimulator sim;
    private PveHttp pve;

    @BeforeEach
    void start() {
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(200)));
        pve = new PveHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void a_wrong_token_secret_is_refused_with_401() {
        var answer = new PveHttp(sim, "PVEAPIToken=" + sim.tokenId() + "=not-the-secret").get("/version");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().get("data").isNull()).isTrue();
        assertThat(answer.body().get("message").asText()).isEqualTo("authentication failure\n");
    }

    @Test
    void a_request_without_a_token_is_refused_with_401() {
        var answer = new PveHttp(sim, null).get("/nodes");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().get("message").asText()).isEqualTo("No ticket\n");
    }

    @Test
    void the_token_header_with_a_space_instead_of_the_first_equals_sign_is_accepted() {
        var answer = new PveHttp(sim, "PVEAPIToken " + sim.apiToken()).get("/version");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.data().get("release").asText()).isEqualTo("9.1");
    }

    @Test
    void undeclared_and_mistyped_parameters_are_refused_with_400_naming_each_one() {
        var answer = pve.put("/nodes/pve1/qemu/9000/config", params("cores", "many", "frobnicate", "1", "name", "ok"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("message").asText()).isEqualTo("Parameter verification failed.\n");
        JsonNode errors = answer.body().get("errors");
        assertThat(errors.get("frobnicate").asText())
                .isEqualTo("property is not defined in schema and the schema does not allow additional properties");
        assertThat(errors.get("cores").asText()).isEqualTo("type check ('integer') failed - got 'many'");
        assertThat(errors.has("name")).isFalse();
        assertThat(sim.vm(9000).orElseThrow().config()).doesNotContainKey("frobnicate").containsEntry("name", "debian-12-cloud");
    }

    @Test
    void a_missing_required_parameter_is_named() {
        var answer = pve.post("/nodes/pve1/qemu/9000/clone", params("name", "x"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("errors").get("newid").asText()).isEqualTo("property is missing and it is not optional");
    }

    @Test
    void a_vm_that_does_not_exist_answers_500_with_pves_message() {
        var answer = pve.get("/nodes/pve1/qemu/123/status/current");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body().get("message").asText())
                .isEqualTo("Configuration file 'nodes/pve1/qemu-server/123.conf' does not exist\n");
    }

    @Test
    void a_vm_asked_for_on_the_wrong_node_does_not_exist_there() {
        var answer = pve.get("/nodes/pve2/qemu/9000/config");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body().get("message").asText()).contains("nodes/pve2/qemu-server/9000.conf' does not exist");
    }

    @Test
    void an_unknown_route_answers_501_and_is_recorded() {
        var answer = pve.get("/nodes/pve1/lxc");

        assertThat(answer.status()).isEqualTo(501);
        assertThat(answer.body().get("message").asText()).isEqualTo("Method 'GET /nodes/pve1/lxc' not implemented\n");
        assertThat(sim.unknownCalls()).containsExactly(new ProxmoxSimulator.Call("GET", "/nodes/pve1/lxc", 501));
    }

    @Test
    void a_write_answers_a_upid_at_once_and_its_task_runs_for_the_configured_time() {
        sim.taskDuration(Duration.ofSeconds(1));
        String upid = pve.post("/nodes/pve1/qemu/9000/clone", params("newid", "100", "name", "web", "full", "1")).data().asText();

        Upid parsed = Upid.parse(upid);
        assertThat(upid).matches("UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam!baozi:");
        assertThat(parsed.type()).isEqualTo("qmclone");
        JsonNode first = pve.get("/nodes/pve1/tasks/" + PveHttp.encode(upid) + "/status").data();
        assertThat(first.get("status").asText()).isEqualTo("running");
        assertThat(first.has("exitstatus")).isFalse();
        assertThat(sim.vm(100).orElseThrow().lock()).isEqualTo("clone");

        long started = System.nanoTime();
        JsonNode done = pve.awaitTask("pve1", upid);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
        assertThat(done.get("exitstatus").asText()).isEqualTo("OK");
        assertThat(sim.vm(100).orElseThrow().lock()).isNull();
        JsonNode log = pve.get("/nodes/pve1/tasks/" + PveHttp.encode(upid) + "/log").data();
        assertThat(log.get(log.size() - 1).get("t").asText()).isEqualTo("TASK OK");
        assertThat(log.get(0).get("n").asInt()).isEqualTo(1);
    }

    @Test
    void a_task_made_to_fail_ends_with_its_message_and_undoes_its_work() {
        sim.failNextTask("qmclone", "clone failed: simulated storage trouble");

        String upid = pve.post("/nodes/pve1/qemu/9000/clone", params("newid", "101", "full", "1")).data().asText();
        JsonNode done = pve.awaitTask("pve1", upid);

        assertThat(done.get("exitstatus").asText()).isEqualTo("clone failed: simulated storage trouble");
        JsonNode log = pve.get("/nodes/pve1/tasks/" + PveHttp.encode(upid) + "/log").data();
        assertThat(log.get(log.size() - 1).get("t").asText()).isEqualTo("TASK ERROR: clone failed: simulated storage trouble");
        assertThat(sim.vm(101)).isEmpty();
        assertThat(sim.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == 101);
    }

    @Test
    void starting_a_running_vm_or_a_template_is_refused_as_pve_refuses_it() {
        assertThat(pve.post("/nodes/pve1/qemu/9000/status/start", Map.of()).body().get("message").asText())
                .isEqualTo("you can't start a vm if it's a template\n");
        clone(100);
        pve.awaitTask("pve1", pve.post("/nodes/pve1/qemu/100/status/start", Map.of()).data().asText());

        var again = pve.post("/nodes/pve1/qemu/100/status/start", Map.of());

        assertThat(again.status()).isEqualTo(500);
        assertThat(again.body().get("message").asText()).isEqualTo("VM 100 already running\n");
        assertThat(pve.delete("/nodes/pve1/qemu/100", Map.of()).body().get("message").asText())
                .isEqualTo("VM 100 is running - destroy failed\n");
    }

    @Test
    void config_writes_come_back_in_pves_own_form() {
        clone(100);
        var put = pve.put("/nodes/pve1/qemu/100/config", params(
                "scsi1", "local-lvm:4,iothread=1,discard=on",
                "net1", "model=virtio,bridge=vmbr1,tag=30,firewall=0",
                "onboot", "true",
                "cores", "3",
                "sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIE5o%2Bkey%20me%40host",
                "delete", "hotplug,numa"));
        assertThat(put.status()).as(put.body().toString()).isEqualTo(200);

        JsonNode config = pve.get("/nodes/pve1/qemu/100/config").data();
        assertThat(config.get("scsi1").asText()).isEqualTo("local-lvm:vm-100-disk-1,discard=on,iothread=1,size=4G");
        assertThat(config.get("net1").asText()).matches("virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr1,firewall=0,tag=30");
        assertThat(config.get("onboot").isNumber()).isTrue();
        assertThat(config.get("onboot").asInt()).isEqualTo(1);
        assertThat(config.get("cores").isNumber()).isTrue();
        assertThat(config.get("memory").isTextual()).isTrue();
        assertThat(config.get("sshkeys").asText()).isEqualTo("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIE5o%2Bkey%20me%40host");
        assertThat(config.get("digest").asText()).hasSize(40);
        assertThat(sim.volumes("pve1", "local-lvm")).anyMatch(v -> v.volid().equals("local-lvm:vm-100-disk-1") && v.size() == 4L << 30);

        var stale = pve.put("/nodes/pve1/qemu/100/config", params("cores", "1", "digest", "0".repeat(40)));
        assertThat(stale.status()).isEqualTo(500);
        assertThat(stale.body().get("message").asText()).startsWith("detected modified configuration");
    }

    @Test
    void a_removed_disk_becomes_unused_and_a_removed_cloud_init_drive_is_freed() {
        clone(100);
        pve.put("/nodes/pve1/qemu/100/config", params("delete", "scsi0,ide2"));

        JsonNode config = pve.get("/nodes/pve1/qemu/100/config").data();
        assertThat(config.has("scsi0")).isFalse();
        assertThat(config.get("unused0").asText()).isEqualTo("local-lvm:vm-100-disk-0");
        assertThat(sim.volumes("pve1", "local-lvm")).noneMatch(v -> v.volid().equals("local-lvm:vm-100-cloudinit"));
    }

    @Test
    void resize_grows_a_disk_and_refuses_to_shrink_it() {
        clone(100);

        String upid = pve.put("/nodes/pve1/qemu/100/resize", params("disk", "scsi0", "size", "+2G")).data().asText();
        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("OK");

        assertThat(sim.vm(100).orElseThrow().config().get("scsi0")).isEqualTo("local-lvm:vm-100-disk-0,size=5G");
        var shrink = pve.put("/nodes/pve1/qemu/100/resize", params("disk", "scsi0", "size", "1G"));
        assertThat(shrink.status()).isEqualTo(500);
        assertThat(shrink.body().get("message").asText()).isEqualTo("shrinking disks is not supported\n");
    }

    @Test
    void a_backup_made_with_vzdump_restores_into_a_new_vm() {
        clone(100);
        String dump = pve.post("/nodes/pve1/vzdump", params("vmid", "100", "storage", "local", "mode", "snapshot",
                "compress", "zstd")).data().asText();
        assertThat(pve.awaitTask("pve1", dump).get("exitstatus").asText()).isEqualTo("OK");
        JsonNode backups = pve.get("/nodes/pve1/storage/local/content", params("content", "backup")).data();
        assertThat(backups).hasSize(1);
        String volid = backups.get(0).get("volid").asText();
        assertThat(volid).matches("local:backup/vzdump-qemu-100-\\d{4}_\\d{2}_\\d{2}-\\d{2}_\\d{2}_\\d{2}\\.vma\\.zst");
        assertThat(backups.get(0).get("vmid").asInt()).isEqualTo(100);

        String restore = pve.post("/nodes/pve1/qemu", params("vmid", "200", "archive", volid, "storage", "local-lvm",
                "unique", "1")).data().asText();
        assertThat(pve.awaitTask("pve1", restore).get("exitstatus").asText()).isEqualTo("OK");

        VmView restored = sim.vm(200).orElseThrow();
        VmView original = sim.vm(100).orElseThrow();
        assertThat(restored.name()).isEqualTo(original.name());
        assertThat(restored.config().get("scsi0")).isEqualTo("local-lvm:vm-200-disk-0,size=3G");
        assertThat(restored.config().get("ide2")).isEqualTo("local-lvm:vm-200-cloudinit,media=cdrom");
        assertThat(restored.config().get("net0")).isNotEqualTo(original.config().get("net0"));
    }

    @Test
    void a_destroyed_vm_takes_its_disks_and_then_does_not_exist() {
        clone(100);

        String upid = pve.delete("/nodes/pve1/qemu/100", params("destroy-unreferenced-disks", "1", "purge", "1")).data().asText();
        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("OK");

        assertThat(sim.vm(100)).isEmpty();
        assertThat(sim.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == 100);
        assertThat(pve.get("/nodes/pve1/qemu/100/status/current").status()).isEqualTo(500);
        assertThat(pve.get("/cluster/nextid").data().asText()).isEqualTo("100");
    }

    @Test
    void migrating_a_vm_with_local_disks_needs_with_local_disks_and_moves_them() {
        clone(100);

        var refused = pve.post("/nodes/pve1/qemu/100/migrate", params("target", "pve2"));
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.body().get("message").asText())
                .matches("can't migrate local disk 'local-lvm:vm-100-[a-z0-9-]+': use --with-local-disks\n");

        String upid = pve.post("/nodes/pve1/qemu/100/migrate", params("target", "pve2", "with-local-disks", "1")).data().asText();
        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("OK");
        assertThat(sim.vm(100).orElseThrow().node()).isEqualTo("pve2");
        assertThat(sim.volumes("pve2", "local-lvm")).extracting(Volume::volid).contains("local-lvm:vm-100-disk-0");
        assertThat(pve.get("/nodes/pve2/qemu/100/config").data().get("scsi0").asText()).startsWith("local-lvm:vm-100-disk-0");
        assertThat(pve.get("/nodes/pve1/qemu/100/config").status()).isEqualTo(500);
    }

    @Test
    void nextid_refuses_an_id_in_use_as_pve_does() {
        var answer = pve.get("/cluster/nextid", params("vmid", "9000"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("errors").get("vmid").asText()).isEqualTo("VM 9000 already exists");
    }

    @Test
    void the_state_file_keeps_vms_across_a_restart(@TempDir Path dir) {
        Path state = dir.resolve("proxmox.json");
        var options = ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ZERO).withStateFile(state);
        try (var first = ProxmoxSimulator.start(options)) {
            var http = new PveHttp(first);
            http.post("/nodes/pve1/qemu/9000/clone", params("newid", "150", "name", "kept"));
            http.post("/pools", params("poolid", "apps"));
            http.put("/pools", params("poolid", "apps", "vms", "150"));
        }
        try (var second = ProxmoxSimulator.start(options)) {
            assertThat(second.vm(150).orElseThrow().name()).isEqualTo("kept");
            // A clone of a template is linked unless full=1 is asked for, as in PVE.
            assertThat(second.volumes("pve1", "local-lvm"))
                    .anyMatch(v -> v.volid().equals("local-lvm:base-9000-disk-0/vm-150-disk-0"));
            JsonNode pool = new PveHttp(second).get("/pools", params("poolid", "apps")).data().get(0);
            assertThat(pool.get("members").get(0).get("id").asText()).isEqualTo("qemu/150");
        }
    }

    @Test
    void the_cluster_lists_nodes_storages_and_the_template() {
        JsonNode resources = pve.get("/cluster/resources").data();
        List<String> ids = new ArrayList<>();
        resources.forEach(r -> ids.add(r.get("id").asText()));

        assertThat(ids).contains("qemu/9000", "node/pve1", "node/pve2", "storage/pve1/local-lvm", "storage/pve2/local");
        JsonNode storage = pve.get("/nodes/pve2/storage/local-lvm/status").data();
        assertThat(storage.get("type").asText()).isEqualTo("lvmthin");
        assertThat(storage.get("content").asText()).isEqualTo("images,rootdir");
        assertThat(pve.get("/nodes").data().get(0).get("ssl_fingerprint").asText()).isEqualTo(sim.tls().fingerprint());
    }

    @Test
    void a_file_the_guest_agent_writes_is_on_the_vms_first_disk_and_a_full_clone_carries_it() {
        clone(100);
        start(100);

        writeMarker(100, "/var/lib/baozi/marker", "m-100");
        clone(100, 101);

        assertThat(sim.guestFile(100, "/var/lib/baozi/marker")).hasValue("m-100");
        assertThat(sim.guestFile(101, "/var/lib/baozi/marker")).hasValue("m-100");
        start(101);
        assertThat(pve.get("/nodes/pve1/qemu/101/agent/file-read", params("file", "/var/lib/baozi/marker")).data()
                .get("content").asText()).isEqualTo("m-100");
        assertThat(sim.guestFile(101, "/etc/hostname")).isEmpty();
    }

    @Test
    void a_backup_carries_the_disks_content_into_the_restored_vm() {
        clone(100);
        start(100);
        writeMarker(100, "/marker", "before-backup");

        String volid = backup(sim, pve, 100, "local");
        writeMarker(100, "/marker", "after-backup");
        pve.awaitTask("pve1", pve.post("/nodes/pve1/qemu", params("vmid", "200", "archive", volid, "storage", "local-lvm"))
                .data().asText());

        assertThat(sim.guestFile(200, "/marker")).hasValue("before-backup");
        assertThat(sim.guestFile(100, "/marker")).hasValue("after-backup");
    }

    @Test
    void a_vzdump_failing_half_way_leaves_no_archive() {
        clone(100);
        sim.failNextTask("vzdump", "job failed with err -5 - Input/output error", ProxmoxSimulator.FailAt.HALF_WAY);

        String upid = pve.post("/nodes/pve1/vzdump", params("vmid", "100", "storage", "local", "mode", "snapshot")).data().asText();
        JsonNode done = pve.awaitTask("pve1", upid);

        assertThat(done.get("exitstatus").asText()).isEqualTo("job failed with err -5 - Input/output error");
        assertThat(taskLog(sim, pve, "pve1", upid)).contains("INFO: Starting Backup of VM 100 (qemu)")
                .doesNotContain("INFO: Finished Backup of VM 100");
        assertThat(pve.get("/nodes/pve1/storage/local/content", params("content", "backup")).data()).isEmpty();
    }

    @Test
    void a_restore_failing_half_way_leaves_no_vm() {
        clone(100);
        String volid = backup(sim, pve, 100, "local");
        sim.failNextTask("qmrestore", "short read on archive", ProxmoxSimulator.FailAt.HALF_WAY);

        String upid = pve.post("/nodes/pve1/qemu", params("vmid", "200", "archive", volid, "storage", "local-lvm")).data().asText();

        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("short read on archive");
        assertThat(sim.vm(200)).isEmpty();
        assertThat(sim.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == 200);
    }

    @Test
    void node_memory_cpus_storage_space_and_bridges_are_reported_and_can_be_changed() {
        sim.nodeCapacity("pve2", 8L << 30, 4);
        sim.storageAvailable("pve2", "local-lvm", 12L << 30);
        sim.bridges("pve2", List.of("vmbr0", "vmbr7"));

        JsonNode status = pve.get("/nodes/pve2/status").data();
        JsonNode storage = pve.get("/nodes/pve2/storage/local-lvm/status").data();
        JsonNode bridges = pve.get("/nodes/pve2/network", params("type", "any_bridge")).data();

        assertThat(status.get("memory").get("total").asLong()).isEqualTo(8L << 30);
        assertThat(status.get("memory").get("free").asLong()).isEqualTo((8L << 30) - (2L << 30));
        assertThat(status.get("cpuinfo").get("cpus").asInt()).isEqualTo(4);
        assertThat(storage.get("avail").asLong()).isEqualTo(12L << 30);
        assertThat(storage.get("total").asLong()).isEqualTo(500L << 30);
        List<String> names = new ArrayList<>();
        bridges.forEach(b -> names.add(b.get("iface").asText()));
        assertThat(names).containsExactly("vmbr0", "vmbr7");
        assertThat(bridges).allSatisfy(b -> assertThat(b.get("type").asText()).isEqualTo("bridge"));
        assertThat(pve.get("/nodes/pve1/network", params("type", "eth")).data().get(0).get("iface").asText()).isEqualTo("eno1");
        assertThat(pve.get("/nodes/pve1/storage/local-lvm/status").data().get("avail").asLong()).isGreaterThan(12L << 30);
    }

    /** Runs a vzdump of {@code vmid} to {@code storage} and returns the archive's volume id. */
    static String backup(ProxmoxSimulator sim, PveHttp pve, int vmid, String storage) {
        String node = sim.vm(vmid).orElseThrow().node();
        String upid = pve.post("/nodes/" + node + "/vzdump", params("vmid", Integer.toString(vmid), "storage", storage, "mode",
                "snapshot", "compress", "zstd")).data().asText();
        assertThat(pve.awaitTask(node, upid).get("exitstatus").asText()).isEqualTo("OK");
        JsonNode backups = pve.get("/nodes/" + node + "/storage/" + storage + "/content",
                params("content", "backup", "vmid", Integer.toString(vmid))).data();
        return backups.get(backups.size() - 1).get("volid").asText();
    }

    static List<String> taskLog(ProxmoxSimulator sim, PveHttp pve, String node, String upid) {
        List<String> lines = new ArrayList<>();
        pve.get("/nodes/" + node + "/tasks/" + PveHttp.encode(upid) + "/log", params("limit", "500")).data()
                .forEach(l -> lines.add(l.get("t").asText()));
        return lines;
    }

    private void start(int vmid) {
        pve.awaitTask("pve1", pve.post("/nodes/pve1/qemu/" + vmid + "/status/start", Map.of()).data().asText());
    }

    private void writeMarker(int vmid, String file, String content) {
        var answer = pve.post("/nodes/pve1/qemu/" + vmid + "/agent/file-write", params("file", file, "content", content));
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    }

    private void clone(int source, int vmid) {
        String upid = pve.post("/nodes/pve1/qemu/" + source + "/clone", params("newid", Integer.toString(vmid), "full", "1"))
                .data().asText();
        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("OK");
    }

    /** A full clone of the template as VM {@code vmid}, waited for. */
    private void clone(int vmid) {
        String upid = pve.post("/nodes/pve1/qemu/9000/clone", params("newid", Integer.toString(vmid), "name", "vm" + vmid,
                "full", "1")).data().asText();
        assertThat(pve.awaitTask("pve1", upid).get("exitstatus").asText()).isEqualTo("OK");
    }
}
