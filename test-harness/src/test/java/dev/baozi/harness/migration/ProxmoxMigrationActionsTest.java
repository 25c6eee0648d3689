package dev.baozi.harness.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.Deadline;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.MigrationStatus;
import dev.baozi.orchestrator.migration.MigrationStep;
import dev.baozi.orchestrator.migration.MigrationTarget;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepRecord;
import dev.baozi.orchestrator.migration.StepResult;
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.NetBoxClient;
import dev.baozi.orchestrator.netbox.Pool;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.CloneRequest;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.RemoteEndpoint;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.relocation.Clusters;
import dev.baozi.orchestrator.relocation.DeploymentNames;
import dev.baozi.orchestrator.relocation.NotYet;
import dev.baozi.orchestrator.relocation.ProxmoxMigrationActions;
import dev.baozi.orchestrator.relocation.RelocationSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration steps' real work ({@link ProxmoxMigrationActions}) on two simulated clusters, {@code sim-a}
 * and {@code sim-b} (another provider's, sharing the backup storage {@code shared-backup}), and a real
 * NetBox. The steps are called as {@code MigrationRunner} calls them, with a timeline kept here as it
 * keeps it; a crash is a step's work done and its end never recorded.
 */
@Tag("netbox")
class ProxmoxMigrationActionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int TEMPLATE = 9000;
    private static final String SOURCE_POOL = "10.60.0.0/24";
    private static final String TARGET_POOL = "10.61.0.0/24";
    private static final String FULL_POOL = "10.62.0.0/30";
    private static final AtomicLong IDS = new AtomicLong(100);
    private static final AtomicLong VMIDS = new AtomicLong(600);

    @TempDir
    static Path sharedBackups;

    private static ProxmoxSimulator simA;
    private static ProxmoxSimulator simB;
    private static ProxmoxClient pveA;
    private static ProxmoxClient pveB;
    private static AddressReservations addresses;

    @BeforeAll
    static void start() {
        var options = ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)).withSharedBackupDir(sharedBackups);
        simA = ProxmoxSimulator.start(options);
        simB = ProxmoxSimulator.start(options.withToken("baozi@pve!migrate", "secret-of-cluster-b"));
        pveA = ProxmoxClient.connect(simA.baseUrl(), new ApiToken(simA.tokenId(), simA.tokenSecret()),
                TlsSettings.fingerprint(simA.tls().fingerprint()));
        pveB = ProxmoxClient.connect(simB.baseUrl(), new ApiToken(simB.tokenId(), simB.tokenSecret()),
                TlsSettings.fingerprint(simB.tls().fingerprint()));
        var netbox = NetBoxServer.shared();
        netbox.createPrefix(SOURCE_POOL);
        netbox.createPrefix(TARGET_POOL);
        netbox.createPrefix(FULL_POOL);
        addresses = new AddressReservations(NetBoxClient.connect(netbox.url(), netbox.token(), WAIT));
        addresses.reserve("someone-else-1", new Pool.Prefix(FULL_POOL), "", "fills the pool");
        addresses.reserve("someone-else-2", new Pool.Prefix(FULL_POOL), "", "fills the pool");
    }

    @AfterAll
    static void stop() {
        simA.close();
        simB.close();
    }

    // ---- the world of one test ----

    /** sim-a, and sim-b reached by remote migrate (its fingerprint pinned) or, without a route, through the shared backup. */
    private static Clusters clusters(boolean route) {
        var a = new Clusters.Cluster("sim-a", pveA, "pve1", Optional.empty());
        var b = new Clusters.Cluster("sim-b", pveB, "pve1", route ? Optional.of(new RemoteEndpoint("127.0.0.1", simB.port(),
                new ApiToken(simB.tokenId(), simB.tokenSecret()), simB.tls().fingerprint())) : Optional.empty());
        var gone = new Clusters.Cluster("sim-gone", ProxmoxClient.connect(URI.create("https://127.0.0.1:1"),
                new ApiToken("baozi@pve!gone", "secret"), TlsSettings.fingerprint(simB.tls().fingerprint())), "pve1", Optional.empty());
        Map<String, Clusters.Cluster> all = Map.of("sim-a", a, "sim-b", b, "sim-gone", gone);
        return name -> Optional.ofNullable(all.get(name));
    }

    /** plan-names' names: one outside the managed zones; the others' one name inside. */
    private static final DeploymentNames NAMES = workspace -> workspace.equals("plan-names")
            ? List.of(new DeploymentNames.Name("plan-names.example.test", Optional.empty()),
                    new DeploymentNames.Name("plan-names.elsewhere.test", Optional.of("'plan-names.elsewhere.test' is in none of the"
                            + " zones Baozi manages (example.test)")))
            : List.of(new DeploymentNames.Name(workspace + ".example.test", Optional.empty()));

    /** The timeline as {@code MigrationRunner} keeps it, for the migrations of one test. */
    private static final class Recorder {
        final List<StepRecord> entries = new ArrayList<>();
        final MigrationActions actions;

        Recorder(boolean route) {
            actions = new ProxmoxMigrationActions(clusters(route), Optional.of(addresses), id -> List.copyOf(entries), NAMES, new NotYet(),
                    new RelocationSettings(Duration.ofSeconds(5), WAIT, 100L << 20));
        }

        /** Runs the step once and records how it ended. */
        StepResult step(MigrationStep step, Migration m) {
            StepResult result = actions.run(step, m);
            StepRecord.Outcome outcome = switch (result) {
                case StepResult.Done d -> StepRecord.Outcome.DONE;
                case StepResult.Wait w -> StepRecord.Outcome.WAITING;
                case StepResult.Pending p -> StepRecord.Outcome.PENDING;
                case StepResult.Refused r -> StepRecord.Outcome.REFUSED;
            };
            Map<String, String> details = switch (result) {
                case StepResult.Done d -> d.details();
                case StepResult.Wait w -> w.details();
                case StepResult.Pending p -> p.details();
                case StepResult.Refused r -> Map.of();
            };
            entries.add(new StepRecord(entries.size() + 1, step, outcome, null, OffsetDateTime.now(), OffsetDateTime.now(), details));
            return result;
        }

        /** Runs the step again while it is pending (the runner's polls), until it is done or refused. */
        StepResult settle(MigrationStep step, Migration m) {
            StepResult[] last = new StepResult[1];
            Deadline.await(step.wire() + " to end", WAIT, () -> !((last[0] = step(step, m)) instanceof StepResult.Pending));
            return last[0];
        }

        /** The details the step's attempts recorded, later over earlier. */
        Map<String, String> details(MigrationStep step) {
            Map<String, String> all = new java.util.HashMap<>();
            entries.stream().filter(e -> e.step() == step).forEach(e -> all.putAll(e.details()));
            return all;
        }
    }

    private static Migration migration(String workspace, String target, String pool, MigrationPlan plan) {
        return new Migration(IDS.getAndIncrement(), 1, workspace, "sim-a", new MigrationTarget(target, pool, "local-lvm", "vmbr0"),
                MigrationStatus.RUNNING, MigrationStep.PLAN, null, null, plan, "olga",
                OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5), OffsetDateTime.now(), null, 1);
    }

    private static Migration planned(Migration m, MigrationPlan plan) {
        return new Migration(m.id(), m.workspaceId(), m.workspace(), m.sourceProvider(), m.target(), m.status(), m.step(), null,
                null, plan, m.requestedBy(), m.requestedAt(), m.updatedAt(), null, m.version());
    }

    /** A deployment on sim-a: VM {@code workspace} cloned from the template and running, its address reserved in the source pool. */
    private static int deployment(String workspace) {
        int vmid = (int) VMIDS.getAndIncrement();
        pveA.await(pveA.clone("pve1", TEMPLATE, CloneRequest.full(vmid, workspace)), WAIT);
        pveA.await(pveA.start("pve1", vmid), WAIT);
        addresses.reserve(workspace, new Pool.Prefix(SOURCE_POOL), workspace + ".example.test", "the deployment's address");
        return vmid;
    }

    private static MigrationPlan plan(Recorder r, Migration m) {
        var result = r.actions.plan(m);
        assertThat(result).isInstanceOf(PlanResult.Planned.class);
        return ((PlanResult.Planned) result).plan();
    }

    private static String refusal(Object result) {
        assertThat(result).isInstanceOf(PlanResult.Refused.class);
        return ((PlanResult.Refused) result).message();
    }

    // ---- the plan ----

    @Test
    void a_plan_reserves_an_address_in_the_target_pool_names_the_target_vm_and_finds_the_same_on_a_repeat() {
        deployment("plan-ok");
        var r = new Recorder(true);
        Migration m = migration("plan-ok", "sim-b", TARGET_POOL, null);

        MigrationPlan plan = plan(r, m);
        MigrationPlan again = plan(r, m);

        assertThat(plan.reservedAddress()).startsWith("10.61.0.");
        assertThat(again.reservedAddress()).as("a repeat finds the address it reserved").isEqualTo(plan.reservedAddress());
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).hasSize(1);
        assertThat(plan.targetVm().node()).isEqualTo("pve1");
        assertThat(plan.targetVm().vmid()).isPositive();
        assertThat(plan.backup()).contains("snapshot mode").endsWith("to shared-backup");
        assertThat(plan.expectedDowntimeSeconds()).isPositive();
        assertThat(plan.findings()).allMatch(MigrationPlan.Finding::ok);
        assertThat(plan.findings()).extracting(MigrationPlan.Finding::check)
                .contains("memory", "cpus", "storage", "bridge", "route", "names", "address");
        assertThat(plan.findings()).contains(new MigrationPlan.Finding("names", true,
                "plan-ok.example.test stay in zones Baozi manages"));
    }

    @Test
    void a_target_without_memory_or_disk_space_is_refused_naming_both_and_nothing_is_reserved() {
        deployment("plan-small");
        var r = new Recorder(true);
        Migration m = migration("plan-small", "sim-b", TARGET_POOL, null);
        simB.nodeCapacity("pve1", 512L << 20, 16);
        simB.storageAvailable("pve1", "local-lvm", 1L << 30);
        String message;
        try {
            message = refusal(r.actions.plan(m));
        } finally {
            simB.nodeCapacity("pve1", 64L << 30, 16);
            simB.storageAvailable("pve1", "local-lvm", 1L << 40);
        }

        assertThat(message).containsPattern("memory: node pve1 on sim-b has 0(\\.\\d)? GiB free, the VM needs 1 GiB")
                .contains("storage: storage local-lvm on pve1 (sim-b) has 1 GiB free, the disk needs 3 GiB")
                .endsWith("nothing was reserved");
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).isEmpty();
        assertThat(pveA.status("pve1", vmidOf(pveA, "plan-small")).running()).isTrue();
    }

    @Test
    void a_missing_bridge_is_refused_naming_the_bridges_there() {
        deployment("plan-bridge");
        var r = new Recorder(true);
        Migration m = new Migration(IDS.getAndIncrement(), 1, "plan-bridge", "sim-a",
                new MigrationTarget("sim-b", TARGET_POOL, "local-lvm", "vmbr9"), MigrationStatus.RUNNING, MigrationStep.PLAN, null,
                null, null, "olga", OffsetDateTime.now(), OffsetDateTime.now(), null, 1);

        assertThat(refusal(r.actions.plan(m))).isEqualTo("bridge: node pve1 on sim-b has no bridge vmbr9 (it has: vmbr0, vmbr1);"
                + " nothing was reserved");
    }

    @Test
    void a_name_outside_the_managed_zones_is_refused_naming_it() {
        deployment("plan-names");
        var r = new Recorder(true);
        Migration m = migration("plan-names", "sim-b", TARGET_POOL, null);

        assertThat(refusal(r.actions.plan(m))).isEqualTo("names: 'plan-names.elsewhere.test' is in none of the zones Baozi manages"
                + " (example.test); nothing was reserved");
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).isEmpty();
    }

    @Test
    void a_pool_without_a_free_address_is_refused_naming_it_and_nothing_is_reserved() {
        deployment("plan-full");
        var r = new Recorder(true);
        Migration m = migration("plan-full", "sim-b", FULL_POOL, null);

        assertThat(refusal(r.actions.plan(m)))
                .isEqualTo("address: prefix 10.62.0.0/30 has no free address in NetBox for sim-b; nothing was reserved");
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).isEmpty();
    }

    @Test
    void an_unreachable_target_is_refused_naming_it_and_nothing_is_reserved() {
        deployment("plan-gone");
        var r = new Recorder(true);
        Migration m = migration("plan-gone", "sim-gone", TARGET_POOL, null);

        assertThat(refusal(r.actions.plan(m))).startsWith("target provider sim-gone is not reachable (")
                .endsWith("; nothing was reserved");
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).isEmpty();
    }

    // ---- the move ----

    @Test
    void a_migration_moves_the_marker_from_a_to_b_and_each_step_repeated_after_a_crash_finds_its_work_done() {
        int source = deployment("move-1");
        var r = new Recorder(true);
        Migration m = migration("move-1", "sim-b", TARGET_POOL, null);
        m = planned(m, plan(r, m));
        int target = (int) m.plan().targetVm().vmid();

        var crashedBackup = r.actions.backup(m); // its end never recorded
        var backup = (StepResult.Done) r.step(MigrationStep.BACKUP, m);
        assertThat(backup.details().get("backup")).startsWith("shared-backup:backup/vzdump-qemu-" + source + "-")
                .isEqualTo(((StepResult.Done) crashedBackup).details().get("backup"));
        assertThat(backup.details().get("how")).isEqualTo("found the backup this migration made");
        assertThat(pveA.backups("pve1", "shared-backup", source)).hasSize(1);

        r.actions.cutover(m); // writes the marker; the crash loses it from the timeline
        var markerWritten = (StepResult.Pending) r.step(MigrationStep.CUTOVER, m);
        String marker = markerWritten.details().get("marker");
        assertThat(marker).startsWith("baozi-migration-" + m.id() + "-");
        assertThat(simA.guestFile(source, ProxmoxMigrationActions.MARKER_FILE)).as("the marker written before the crash, reused")
                .hasValue(marker);
        r.actions.cutover(m); // shuts the VM down and starts the transfer; the crash loses the task
        Deadline.await("the transfer to end", WAIT, simA::tasksIdle);
        var cutover = (StepResult.Done) r.settle(MigrationStep.CUTOVER, m);
        assertThat(cutover.details()).containsEntry("found", "VM " + target + " is on sim-b already");
        assertThat(simA.vms()).as("A's VM is kept, stopped").anyMatch(v -> v.vmid() == source);
        assertThat(pveA.status("pve1", source).running()).isFalse();

        var verified = (StepResult.Done) r.step(MigrationStep.START_VERIFY, m);
        var verifiedAgain = (StepResult.Done) r.step(MigrationStep.START_VERIFY, m);
        assertThat(verified.details()).containsEntry("marker", "matches " + marker).containsEntry("health_check", "none declared");
        assertThat(verifiedAgain).isEqualTo(verified);
        assertThat(simB.guestFile(target, ProxmoxMigrationActions.MARKER_FILE)).hasValue(marker);
        assertThat(pveB.status("pve1", target).running()).isTrue();

        pveA.await(pveA.start("pve1", source), WAIT); // someone started A's VM again during the move
        assertThat(r.step(MigrationStep.SOAK, m)).isInstanceOf(StepResult.Done.class);
        assertThat(pveA.status("pve1", source).running()).isFalse();

        r.actions.decommission(m);
        var decommissioned = (StepResult.Done) r.step(MigrationStep.DECOMMISSION, m);
        assertThat(decommissioned.details()).containsEntry("source_vm", "none named move-1 on sim-a (destroyed already)")
                .containsEntry("source_address", "none held (released already)").containsEntry("backups", "none left to delete");
        assertThat(simA.vms()).noneMatch(v -> v.vmid() == source);
        assertThat(addresses.allHeld("move-1")).isEmpty();
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).extracting(a -> a.address())
                .containsExactly(m.plan().reservedAddress());
        assertThat(pveA.backups("pve1", "shared-backup", source)).isEmpty();
    }

    @Test
    void a_transfer_failing_half_way_is_refused_with_a_intact_and_a_retry_moves_the_vm() {
        int source = deployment("move-2");
        var r = new Recorder(true);
        Migration m = migration("move-2", "sim-b", TARGET_POOL, null);
        m = planned(m, plan(r, m));
        int target = (int) m.plan().targetVm().vmid();
        r.step(MigrationStep.BACKUP, m);
        simA.failNextTask("qmigrate", "disk transfer broke", ProxmoxSimulator.FailAt.HALF_WAY);

        var refused = (StepResult.Refused) r.settle(MigrationStep.CUTOVER, m);

        String marker = r.details(MigrationStep.CUTOVER).get("marker");
        assertThat(refused.message()).startsWith("the transfer of VM " + source + " to sim-b failed: task UPID:pve1:")
                .contains("ended with 'disk transfer broke'")
                .endsWith("the VM on sim-a is kept, stopped; retry starts the transfer again");
        assertThat(simA.guestFile(source, ProxmoxMigrationActions.MARKER_FILE)).hasValue(marker);
        assertThat(simB.vms()).noneMatch(v -> v.vmid() == target);

        var done = (StepResult.Done) r.settle(MigrationStep.CUTOVER, m); // the retry
        assertThat(done.details().get("transfer_log")).contains("(100.00%)");
        assertThat(r.step(MigrationStep.START_VERIFY, m)).isInstanceOf(StepResult.Done.class);
        assertThat(simB.guestFile(target, ProxmoxMigrationActions.MARKER_FILE)).hasValue(marker);
    }

    @Test
    void without_a_route_between_the_providers_the_vm_moves_through_the_shared_backup() {
        int source = deployment("move-3");
        var r = new Recorder(false);
        Migration m = migration("move-3", "sim-b", TARGET_POOL, null);
        m = planned(m, plan(r, m));
        int target = (int) m.plan().targetVm().vmid();
        assertThat(m.plan().findings()).contains(new MigrationPlan.Finding("route", true,
                "restore from the shared backup storage shared-backup"));
        r.step(MigrationStep.BACKUP, m);

        var cutover = (StepResult.Done) r.settle(MigrationStep.CUTOVER, m);
        var verified = r.step(MigrationStep.START_VERIFY, m);

        assertThat(cutover.details().get("route")).isEqualTo("restore from shared-backup");
        assertThat(verified).isInstanceOf(StepResult.Done.class);
        assertThat(simB.guestFile(target, ProxmoxMigrationActions.MARKER_FILE)).hasValue(cutover.details().get("marker"));
        assertThat(r.step(MigrationStep.DECOMMISSION, m)).isInstanceOf(StepResult.Done.class);
        assertThat(pveA.backups("pve1", "shared-backup", source)).as("both backups deleted").isEmpty();
    }

    @Test
    void a_rollback_before_decommission_leaves_a_running_and_b_without_the_vm_or_the_address() {
        int source = deployment("move-4");
        var r = new Recorder(true);
        Migration m = migration("move-4", "sim-b", TARGET_POOL, null);
        m = planned(m, plan(r, m));
        int target = (int) m.plan().targetVm().vmid();
        r.step(MigrationStep.BACKUP, m);
        r.settle(MigrationStep.CUTOVER, m);
        r.step(MigrationStep.START_VERIFY, m);

        for (MigrationStep step : MigrationStep.ROLLBACK) {
            assertThat(r.step(step, m)).as(step.wire()).isInstanceOf(StepResult.Done.class);
        }
        var again = (StepResult.Done) r.step(MigrationStep.ROLLBACK_RELEASE_TARGET, m);

        assertThat(pveA.status("pve1", source).running()).isTrue();
        assertThat(simB.vms()).noneMatch(v -> v.vmid() == target);
        assertThat(addresses.allHeld(ProxmoxMigrationActions.reservationKey(m))).isEmpty();
        assertThat(addresses.allHeld("move-4")).as("A's address is kept").hasSize(1);
        assertThat(again.details()).containsEntry("target_vm", "no VM " + target + " on sim-b").containsEntry("target_address", "none held");
        assertThat(r.details(MigrationStep.ROLLBACK_DNS)).containsEntry("dns", "the names were never switched: nothing to point back");
    }

    @Test
    void a_vm_that_took_the_planned_id_on_b_is_not_taken_for_the_moved_one() {
        deployment("move-6");
        var r = new Recorder(true);
        Migration m = migration("move-6", "sim-b", TARGET_POOL, null);
        m = planned(m, plan(r, m));
        int target = (int) m.plan().targetVm().vmid();
        pveB.await(pveB.clone("pve1", TEMPLATE, CloneRequest.full(target, "intruder")), WAIT);
        try {
            var refused = (StepResult.Refused) r.settle(MigrationStep.CUTOVER, m);

            assertThat(refused.message()).isEqualTo("VM " + target + " on sim-b is named intruder, not move-6: another VM took the id"
                    + " the plan named; roll back and plan again");
            assertThat(r.step(MigrationStep.ROLLBACK_RELEASE_TARGET, m)).as("nor destroyed by the rollback")
                    .isInstanceOf(StepResult.Refused.class);
            assertThat(simB.vms()).anyMatch(v -> v.vmid() == target);
        } finally {
            pveB.await(pveB.destroy("pve1", target), WAIT);
        }
    }

    @Test
    void the_dns_and_adopt_steps_refuse_as_not_available_yet_naming_what() {
        var r = new Recorder(true);
        Migration m = migration("move-5", "sim-b", TARGET_POOL, null);

        var ttl = (StepResult.Refused) r.step(MigrationStep.LOWER_TTL, m);
        var adopt = (StepResult.Refused) r.step(MigrationStep.ADOPT, m);

        assertThat(ttl.message()).startsWith("not available yet: lowering the TTL of the deployment's records");
        assertThat(adopt.message()).startsWith("not available yet: the adopt run");
    }

    private static int vmidOf(ProxmoxClient pve, String name) {
        return pve.vms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().vmid();
    }
}
