package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.Backup;
import dev.baozi.orchestrator.proxmox.IdMap;
import dev.baozi.orchestrator.proxmox.NodeStatus;
import dev.baozi.orchestrator.proxmox.RemoteEndpoint;
import dev.baozi.orchestrator.proxmox.RemoteMigration;
import dev.baozi.orchestrator.proxmox.ShutdownOutcome;
import dev.baozi.orchestrator.proxmox.BackupMode;
import dev.baozi.orchestrator.proxmox.CloneRequest;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.ProxmoxNode;
import dev.baozi.orchestrator.proxmox.Storage;
import dev.baozi.orchestrator.proxmox.StorageVolume;
import dev.baozi.orchestrator.proxmox.Task;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.proxmox.Upid;
import dev.baozi.orchestrator.proxmox.Vm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's Proxmox client against the real simulator, over TLS, started in this JVM. */
class ProxmoxClientTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int TEMPLATE = 9000;

    private static final String MARKER = "/var/lib/baozi/migration-marker";

    @TempDir
    static Path sharedBackups;

    private static ProxmoxSimulator sim;
    private static ProxmoxClient pve;
    /** A second cluster (another provider's), sharing the backup storage {@code shared-backup} with the first. */
    private static ProxmoxSimulator simB;
    private static ProxmoxClient pveB;

    @BeforeAll
    static void start() {
        var options = ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)).withSharedBackupDir(sharedBackups);
        sim = ProxmoxSimulator.start(options);
        pve = client(TlsSettings.fingerprint(sim.tls().fingerprint()));
        simB = ProxmoxSimulator.start(options.withToken("baozi@pve!migrate", "secret-of-cluster-b"));
        pveB = ProxmoxClient.connect(simB.baseUrl(), new ApiToken(simB.tokenId(), simB.tokenSecret()),
                TlsSettings.fingerprint(simB.tls().fingerprint()));
    }

    @AfterAll
    static void stop() {
        sim.close();
        simB.close();
    }

    /** Cluster B as a remote migration's target, with its token and certificate fingerprint. */
    private static RemoteEndpoint clusterB() {
        return new RemoteEndpoint("127.0.0.1", simB.port(), new ApiToken(simB.tokenId(), simB.tokenSecret()), simB.tls().fingerprint());
    }

    /** VM {@code vmid} on A, cloned from the template, with {@code marker} written by its guest agent, shut down. */
    private static void vmWithMarker(int vmid, String marker) {
        cloneTemplate(vmid, "app-" + vmid);
        pve.await(pve.start("pve1", vmid), WAIT);
        pve.writeGuestFile("pve1", vmid, MARKER, marker);
        assertThat(pve.shutdownOrStop("pve1", vmid, Duration.ofSeconds(5), WAIT)).isEqualTo(ShutdownOutcome.SHUT_DOWN);
    }

    private static ProxmoxClient client(TlsSettings tls) {
        return ProxmoxClient.connect(sim.baseUrl(), new ApiToken(sim.tokenId(), sim.tokenSecret()), tls);
    }

    /** A full clone of the template as {@code vmid}, awaited. */
    private static void cloneTemplate(int vmid, String name) {
        pve.await(pve.clone("pve1", TEMPLATE, CloneRequest.full(vmid, name)), WAIT);
    }

    @Test
    void the_version_is_the_release_the_simulator_claims() {
        var version = pve.version();

        assertThat(version.version()).isEqualTo(ClusterController.VERSION);
        assertThat(version.release()).isEqualTo(ClusterController.RELEASE);
    }

    @Test
    void the_nodes_are_listed_online_with_their_cpus_and_memory() {
        var nodes = pve.nodes();

        assertThat(nodes).extracting(ProxmoxNode::name).containsExactly("pve1", "pve2");
        assertThat(nodes).allSatisfy(n -> {
            assertThat(n.online()).isTrue();
            assertThat(n.maxcpu()).isPositive();
            assertThat(n.maxmem()).isPositive();
        });
    }

    @Test
    void the_cluster_and_the_node_both_list_the_template_as_a_template() {
        Vm fromCluster = pve.vms().stream().filter(v -> v.vmid() == TEMPLATE).findFirst().orElseThrow();
        Vm fromNode = pve.vms("pve1").stream().filter(v -> v.vmid() == TEMPLATE).findFirst().orElseThrow();

        assertThat(fromCluster.template()).isTrue();
        assertThat(fromCluster.node()).isEqualTo("pve1");
        assertThat(fromCluster.name()).isEqualTo("debian-12-cloud");
        assertThat(fromCluster.cpus()).isEqualTo(1);
        assertThat(fromCluster.maxmem()).isEqualTo(1024L << 20);
        assertThat(fromNode).isEqualTo(fromCluster);
        assertThat(pve.vms("pve2")).noneMatch(v -> v.vmid() == TEMPLATE);
    }

    @Test
    void cloning_the_template_and_awaiting_the_task_makes_a_vm_with_the_templates_config() {
        Upid upid = pve.clone("pve1", TEMPLATE, CloneRequest.full(301, "clone-301"));
        Task done = pve.await(upid, WAIT);
        var config = pve.config("pve1", 301);

        assertThat(upid.node()).isEqualTo("pve1");
        assertThat(upid.type()).isEqualTo("qmclone");
        assertThat(done.succeeded()).isTrue();
        assertThat(done.exitStatus()).hasValue("OK");
        assertThat(config.name()).hasValue("clone-301");
        assertThat(config.cores()).hasValue(1);
        assertThat(config.memory()).hasValue(1024);
        assertThat(config.net0().orElseThrow().bridge()).isEqualTo("vmbr0");
        assertThat(config.net0().orElseThrow().mac()).startsWith("BC:24:11:");
        assertThat(pve.vms()).anySatisfy(v -> {
            assertThat(v.vmid()).isEqualTo(301);
            assertThat(v.template()).isFalse();
        });
    }

    @Test
    void a_config_change_runs_as_a_task_and_shows_in_the_typed_getters() {
        cloneTemplate(302, "clone-302");

        pve.await(pve.configure("pve1", 302, Map.of("cores", "4", "memory", "4096", "net0", "virtio,bridge=vmbr1,tag=20",
                "tags", "baozi;web")), WAIT);
        var config = pve.config("pve1", 302);

        assertThat(config.cores()).hasValue(4);
        assertThat(config.memory()).hasValue(4096);
        assertThat(config.net0().orElseThrow().bridge()).isEqualTo("vmbr1");
        assertThat(config.net0().orElseThrow().tag()).isEqualTo(OptionalInt.of(20));
        assertThat(pve.vms("pve1")).filteredOn(v -> v.vmid() == 302).singleElement()
                .satisfies(v -> assertThat(v.tags()).containsExactly("baozi", "web"));
    }

    @Test
    void a_vm_starts_and_stops_and_its_status_follows() {
        cloneTemplate(303, "clone-303");
        assertThat(pve.status("pve1", 303).running()).isFalse();

        pve.await(pve.start("pve1", 303), WAIT);
        var running = pve.status("pve1", 303);
        pve.await(pve.stop("pve1", 303), WAIT);

        assertThat(running.running()).isTrue();
        assertThat(running.name()).isEqualTo("clone-303");
        assertThat(running.maxmem()).isEqualTo(1024L << 20);
        assertThat(pve.status("pve1", 303).status()).isEqualTo("stopped");
    }

    @Test
    void storages_show_their_content_kinds_sizes_and_volumes() {
        var storages = pve.storages("pve1");
        Storage lvm = pve.storageStatus("pve1", "local-lvm");
        var isos = pve.storageContent("pve1", "local", Optional.of("iso"), OptionalInt.empty());
        var templateDisks = pve.storageContent("pve1", "local-lvm", Optional.of("images"), OptionalInt.of(TEMPLATE));

        assertThat(storages).extracting(Storage::storage).contains("local", "local-lvm");
        assertThat(storages).filteredOn(s -> s.storage().equals("local")).singleElement()
                .satisfies(s -> assertThat(s.content()).contains("backup", "iso"));
        assertThat(lvm.type()).isEqualTo("lvmthin");
        assertThat(lvm.total()).isPositive();
        assertThat(lvm.avail()).isLessThanOrEqualTo(lvm.total());
        assertThat(isos).extracting(StorageVolume::volid).contains("local:iso/debian-12.7.0-amd64-netinst.iso");
        assertThat(templateDisks).extracting(StorageVolume::volid).contains("local-lvm:base-9000-disk-0");
        assertThat(templateDisks).allSatisfy(v -> assertThat(v.vmid()).hasValue(TEMPLATE));
    }

    @Test
    void a_backup_gives_the_archives_volume_id_and_restoring_it_brings_the_vm_back_under_another_id() {
        cloneTemplate(304, "clone-304");
        pve.await(pve.configure("pve1", 304, Map.of("cores", "2")), WAIT);

        var backup = pve.backup("pve1", 304, "local", BackupMode.SNAPSHOT, WAIT);
        pve.await(pve.restore("pve1", 305, backup.volid(), "local-lvm", false), WAIT);
        var restored = pve.config("pve1", 305);

        assertThat(backup.volid()).startsWith("local:backup/vzdump-qemu-304-");
        assertThat(backup.task().upid().type()).isEqualTo("vzdump");
        assertThat(pve.storageContent("pve1", "local", Optional.of("backup"), OptionalInt.of(304)))
                .extracting(StorageVolume::volid).contains(backup.volid());
        assertThat(restored.name()).hasValue("clone-304");
        assertThat(restored.cores()).hasValue(2);
        assertThat(sim.unknownCalls()).as("routes the client called that the simulator lacks").isEmpty();
    }

    @Test
    void a_failing_task_carries_pves_exit_status_and_the_last_lines_of_its_log() {
        cloneTemplate(306, "clone-306");
        sim.failNextTask("qmstart", "start failed: QEMU exited with code 1");

        Upid upid = pve.start("pve1", 306);
        var failed = catchThrowableOfType(ProxmoxException.TaskFailed.class, () -> pve.await(upid, WAIT));

        assertThat(failed.upid()).isEqualTo(upid);
        assertThat(failed.exitStatus()).isEqualTo("start failed: QEMU exited with code 1");
        assertThat(failed.logTail()).last().isEqualTo("TASK ERROR: start failed: QEMU exited with code 1");
        assertThat(failed.getMessage()).startsWith("task qmstart 306 on pve1 ended with exit status 'start failed: QEMU exited");
        assertThat(pve.status("pve1", 306).running()).isFalse();
    }

    @Test
    void a_task_still_running_at_the_deadline_is_reported_unfinished() {
        cloneTemplate(307, "clone-307");
        sim.taskDuration(Duration.ofMillis(1500));
        try {
            Upid upid = pve.start("pve1", 307);
            var unfinished = catchThrowableOfType(ProxmoxException.TaskUnfinished.class,
                    () -> pve.await(upid, Duration.ofMillis(300)));

            assertThat(unfinished.upid()).isEqualTo(upid);
            assertThat(unfinished.getMessage()).contains("still running after PT0.3S");
            assertThat(pve.await(upid, WAIT).succeeded()).isTrue();
        } finally {
            sim.taskDuration(Duration.ofMillis(50));
        }
    }

    @Test
    void a_parameter_pve_does_not_know_is_a_400_naming_it() {
        var refused = catchThrowableOfType(ProxmoxException.BadRequest.class,
                () -> pve.configure("pve1", TEMPLATE, Map.of("no-such-option", "1")));

        assertThat(refused.parameterErrors()).containsKey("no-such-option");
        assertThat(refused.getMessage()).contains("refused the parameters (HTTP 400): no-such-option: property is not defined");
    }

    @Test
    void a_refusal_inside_pve_carries_its_message() {
        var refused = catchThrowableOfType(ProxmoxException.ServerError.class, () -> pve.config("pve1", 999));

        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.reason()).isEqualTo("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    }

    @Test
    void a_wrong_token_secret_is_refused_with_401_naming_the_token_but_not_the_secret() {
        String wrong = "00000000-0000-0000-0000-000000000000";
        var stranger = ProxmoxClient.connect(sim.baseUrl(), new ApiToken(sim.tokenId(), wrong),
                TlsSettings.fingerprint(sim.tls().fingerprint()));

        var refused = catchThrowableOfType(ProxmoxException.TokenRefused.class, stranger::version);

        assertThat(refused.getMessage()).isEqualTo("reading the version: Proxmox at https://127.0.0.1:" + sim.port()
                + " refused the API token root@pam!baozi (HTTP 401)");
        assertThat(refused.getMessage()).doesNotContain(wrong).doesNotContain(sim.tokenSecret());
    }

    @Test
    void a_pinned_fingerprint_that_is_not_the_hosts_is_refused_naming_both() {
        String other = (sim.tls().fingerprint().startsWith("AA") ? "BB" : "AA") + sim.tls().fingerprint().substring(2);

        var refused = catchThrowableOfType(ProxmoxException.Unreachable.class, () -> client(TlsSettings.fingerprint(other)).version());

        assertThat(refused.host()).isEqualTo("127.0.0.1");
        assertThat(refused.tlsProblem()).hasValueSatisfying(p -> assertThat(p)
                .contains("fingerprint " + sim.tls().fingerprint()).contains("not the pinned " + other));
        assertThat(refused.getMessage()).startsWith("reading the version: cannot reach Proxmox at https://127.0.0.1:" + sim.port()
                + ": TLS refused the connection: ");
    }

    @Test
    void the_right_fingerprint_in_plain_lower_case_hex_is_accepted() {
        String plain = sim.tls().fingerprint().replace(":", "").toLowerCase(java.util.Locale.ROOT);

        assertThat(client(TlsSettings.fingerprint(plain)).version().version()).isEqualTo(ClusterController.VERSION);
    }

    @Test
    void the_simulators_ca_is_accepted_and_the_jdks_own_cas_refuse_it() {
        assertThat(client(new TlsSettings.CaCertificate(sim.tls().caPem())).version().version()).isEqualTo(ClusterController.VERSION);

        var refused = catchThrowableOfType(ProxmoxException.Unreachable.class, () -> client(new TlsSettings.SystemTrust()).version());

        assertThat(refused.tlsProblem()).hasValueSatisfying(p -> assertThat(p).startsWith("its certificate is not issued by a trusted CA"));
    }

    @Test
    void insecure_accepts_the_host_without_checking() {
        assertThat(client(new TlsSettings.Insecure()).nodes()).hasSize(2);
    }

    @Test
    void a_guest_file_written_through_the_agent_is_read_back_through_it() {
        cloneTemplate(310, "clone-310");
        pve.await(pve.start("pve1", 310), WAIT);

        pve.writeGuestFile("pve1", 310, "/etc/baozi/marker", "m-310");

        assertThat(pve.readGuestFile("pve1", 310, "/etc/baozi/marker")).isEqualTo("m-310");
        var missing = catchThrowableOfType(ProxmoxException.ServerError.class, () -> pve.readGuestFile("pve1", 310, "/nope"));
        assertThat(missing.getMessage()).startsWith("reading /nope inside VM 310 on pve1 through its guest agent: Proxmox at ")
                .endsWith("guest-file-open failed: No such file or directory");
    }

    @Test
    void shutdown_or_stop_shuts_a_running_vm_down_and_leaves_a_stopped_one() {
        cloneTemplate(311, "clone-311");
        pve.await(pve.start("pve1", 311), WAIT);

        assertThat(pve.shutdownOrStop("pve1", 311, Duration.ofSeconds(5), WAIT)).isEqualTo(ShutdownOutcome.SHUT_DOWN);
        assertThat(pve.status("pve1", 311).running()).isFalse();
        assertThat(pve.shutdownOrStop("pve1", 311, Duration.ofSeconds(5), WAIT)).isEqualTo(ShutdownOutcome.ALREADY_STOPPED);
    }

    @Test
    void a_guest_that_does_not_shut_down_is_stopped() {
        cloneTemplate(312, "clone-312");
        pve.await(pve.start("pve1", 312), WAIT);
        sim.failNextTask("qmshutdown", "VM quit/powerdown failed");

        assertThat(pve.shutdownOrStop("pve1", 312, Duration.ofSeconds(1), WAIT)).isEqualTo(ShutdownOutcome.STOPPED_AFTER_TIMEOUT);
        assertThat(pve.status("pve1", 312).running()).isFalse();
    }

    @Test
    void node_memory_and_cpus_storage_space_and_bridges_are_read_for_a_capacity_check() {
        simB.nodeCapacity("pve2", 16L << 30, 8);
        simB.storageAvailable("pve2", "local-lvm", 12L << 30);
        simB.bridges("pve2", java.util.List.of("vmbr0", "vmbr42"));

        NodeStatus node = pveB.nodeStatus("pve2");
        Storage storage = pveB.storageStatus("pve2", "local-lvm");

        assertThat(node.memoryTotal()).isEqualTo(16L << 30);
        assertThat(node.memoryFree()).isEqualTo(node.memoryTotal() - node.memoryUsed()).isPositive();
        assertThat(node.cpus()).isEqualTo(8);
        assertThat(storage.avail()).isEqualTo(12L << 30);
        assertThat(pveB.bridges("pve2")).containsExactly("vmbr0", "vmbr42");
        assertThat(pveB.bridges("pve1")).containsExactly("vmbr0", "vmbr1");
    }

    @Test
    void a_backup_is_listed_with_its_size_and_time_and_can_be_deleted() {
        cloneTemplate(313, "clone-313");

        Backup backup = pve.backup("pve1", 313, "local", BackupMode.SNAPSHOT, WAIT);
        var listed = pve.backups("pve1", "local", 313);
        pve.await(pve.deleteVolume("pve1", backup.volid()), WAIT);

        assertThat(listed).extracting(StorageVolume::volid).containsExactly(backup.volid());
        assertThat(backup.size()).isPositive().isEqualTo(listed.get(0).size());
        assertThat(backup.time()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(1));
        assertThat(pve.log(backup.task().upid())).contains("INFO: Finished Backup of VM 313").last().isEqualTo("TASK OK");
        assertThat(pve.backups("pve1", "local", 313)).isEmpty();
    }

    @Test
    void remote_migrate_moves_the_marker_to_the_other_cluster_and_keeps_the_source_stopped() {
        vmWithMarker(320, "marker-320");

        Upid upid = pve.remoteMigrate("pve1", 320, RemoteMigration.offline(clusterB(), IdMap.all("local-lvm"), IdMap.all("vmbr0"), 520));
        pve.await(upid, WAIT);
        pveB.await(pveB.start("pve1", 520), WAIT);

        assertThat(upid.type()).isEqualTo("qmigrate");
        assertThat(pveB.readGuestFile("pve1", 520, MARKER)).isEqualTo("marker-320");
        assertThat(pveB.config("pve1", 520).net0().orElseThrow().bridge()).isEqualTo("vmbr0");
        assertThat(pve.status("pve1", 320).status()).isEqualTo("stopped");
        assertThat(pve.log(upid)).contains("migration finished successfully");
        assertThat(sim.unknownCalls()).isEmpty();
    }

    @Test
    void remote_migrate_with_a_token_that_is_not_the_targets_is_refused_without_showing_either_secret() {
        vmWithMarker(321, "marker-321");
        var wrong = new RemoteEndpoint("127.0.0.1", simB.port(), new ApiToken(simB.tokenId(), "not-the-secret"), simB.tls().fingerprint());

        var refused = catchThrowableOfType(ProxmoxException.ServerError.class,
                () -> pve.remoteMigrate("pve1", 321, RemoteMigration.offline(wrong, IdMap.all("local-lvm"), IdMap.all("vmbr0"), 521)));

        assertThat(refused.reason()).isEqualTo("401 authentication failure");
        assertThat(refused.getMessage()).startsWith("migrating VM 321 on pve1 to 127.0.0.1:" + simB.port() + " as VM 521: Proxmox at ")
                .doesNotContain("not-the-secret").doesNotContain(simB.tokenSecret()).doesNotContain(sim.tokenSecret());
        assertThat(wrong.toString()).doesNotContain("not-the-secret");
        assertThat(simB.vm(521)).isEmpty();
    }

    @Test
    void remote_migrate_to_a_wrong_fingerprint_or_an_unknown_endpoint_is_refused_naming_it() {
        vmWithMarker(322, "marker-322");
        String fp = simB.tls().fingerprint();
        var otherCertificate = new RemoteEndpoint("127.0.0.1", simB.port(), new ApiToken(simB.tokenId(), simB.tokenSecret()),
                (fp.startsWith("AA") ? "BB" : "AA") + fp.substring(2));
        var nowhere = new RemoteEndpoint("127.0.0.1", 1, new ApiToken(simB.tokenId(), simB.tokenSecret()), fp);

        var badFingerprint = catchThrowableOfType(ProxmoxException.ServerError.class, () -> pve.remoteMigrate("pve1", 322,
                RemoteMigration.offline(otherCertificate, IdMap.all("local-lvm"), IdMap.all("vmbr0"), 522)));
        var unreachable = catchThrowableOfType(ProxmoxException.ServerError.class, () -> pve.remoteMigrate("pve1", 322,
                RemoteMigration.offline(nowhere, IdMap.all("local-lvm"), IdMap.all("vmbr0"), 522)));

        assertThat(badFingerprint.reason()).isEqualTo("fingerprint '" + fp + "' not verified, abort!");
        assertThat(unreachable.reason()).isEqualTo("Can't connect to 127.0.0.1:1 (Connection refused)");
        assertThat(unreachable.getMessage()).contains("to 127.0.0.1:1 as VM 522");
    }

    @Test
    void a_remote_migrate_failing_half_way_leaves_the_source_intact_and_a_retry_works() {
        vmWithMarker(323, "marker-323");
        sim.failNextTask("qmigrate", "migration aborted: tunnel closed", ProxmoxSimulator.FailAt.HALF_WAY);
        var migration = RemoteMigration.offline(clusterB(), IdMap.all("local-lvm"), IdMap.all("vmbr0"), 523);

        var failed = catchThrowableOfType(ProxmoxException.TaskFailed.class, () -> pve.await(pve.remoteMigrate("pve1", 323, migration),
                WAIT));

        assertThat(failed.exitStatus()).isEqualTo("migration aborted: tunnel closed");
        assertThat(failed.logTail()).anyMatch(l -> l.endsWith("(50.00%)"));
        assertThat(failed.getMessage()).contains("task qmigrate 323 on pve1 ended with exit status 'migration aborted: tunnel closed'");
        assertThat(simB.vm(523)).isEmpty();
        assertThat(sim.guestFile(323, MARKER)).hasValue("marker-323");
        assertThat(pve.status("pve1", 323).status()).isEqualTo("stopped");

        pve.await(pve.remoteMigrate("pve1", 323, migration), WAIT);
        assertThat(simB.guestFile(523, MARKER)).hasValue("marker-323");
    }

    @Test
    void a_backup_made_on_one_cluster_restores_on_the_other_from_the_shared_storage_with_the_marker() {
        vmWithMarker(324, "marker-324");

        Backup backup = pve.backup("pve1", 324, "shared-backup", BackupMode.SNAPSHOT, WAIT);
        var onB = pveB.backups("pve2", "shared-backup", 324);
        pveB.await(pveB.restore("pve2", 624, backup.volid(), "local-lvm", false), WAIT);
        pveB.await(pveB.start("pve2", 624), WAIT);

        assertThat(onB).extracting(StorageVolume::volid).containsExactly(backup.volid());
        assertThat(pveB.readGuestFile("pve2", 624, MARKER)).isEqualTo("marker-324");
    }

    @Test
    void a_free_vm_id_is_offered() {
        assertThat(pve.nextId()).isGreaterThanOrEqualTo(100).isNotEqualTo(TEMPLATE);
    }
}
