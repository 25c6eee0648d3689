package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.BackupMode;
import dev.baozi.orchestrator.proxmox.CloneRequest;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.ProxmoxNode;
import dev.baozi.orchestrator.proxmox.ProxmoxVmClient;
import dev.baozi.orchestrator.proxmox.Storage;
import dev.baozi.orchestrator.proxmox.StorageVolume;
import dev.baozi.orchestrator.proxmox.Task;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.proxmox.Upid;
import dev.baozi.orchestrator.proxmox.Vm;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The orchestrator's Proxmox client (and the test-side VM client on its transport) against the real simulator, over TLS, started in this JVM. */
class ProxmoxClientTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int TEMPLATE = 9000;

    private static ProxmoxSimulator sim;
    private static ProxmoxVmClient pve;

    @BeforeAll
    static void start() {
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)));
        pve = new ProxmoxVmClient(client(TlsSettings.fingerprint(sim.tls().fingerprint())));
    }

    @AfterAll
    static void stop() {
        sim.close();
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
        var version = pve.client().version();

        assertThat(version.version()).isEqualTo(ClusterController.VERSION);
        assertThat(version.release()).isEqualTo(ClusterController.RELEASE);
    }

    @Test
    void the_nodes_are_listed_online_with_their_cpus_and_memory() {
        var nodes = pve.client().nodes();

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
        var failed = catchThrowableOfType(ProxmoxVmClient.TaskFailed.class, () -> pve.await(upid, WAIT));

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
            var unfinished = catchThrowableOfType(ProxmoxVmClient.TaskUnfinished.class,
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
    void a_free_vm_id_is_offered() {
        assertThat(pve.nextId()).isGreaterThanOrEqualTo(100).isNotEqualTo(TEMPLATE);
    }
}
