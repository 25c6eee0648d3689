package dev.baozi.orchestrator.relocation;

import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.MigrationStep;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepRecord;
import dev.baozi.orchestrator.migration.StepResult;
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.IpAddress;
import dev.baozi.orchestrator.netbox.NetBoxException;
import dev.baozi.orchestrator.netbox.Pool;
import dev.baozi.orchestrator.proxmox.Backup;
import dev.baozi.orchestrator.proxmox.BackupMode;
import dev.baozi.orchestrator.proxmox.IdMap;
import dev.baozi.orchestrator.proxmox.NodeStatus;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.RemoteMigration;
import dev.baozi.orchestrator.proxmox.ShutdownOutcome;
import dev.baozi.orchestrator.proxmox.Storage;
import dev.baozi.orchestrator.proxmox.StorageVolume;
import dev.baozi.orchestrator.proxmox.Task;
import dev.baozi.orchestrator.proxmox.Upid;
import dev.baozi.orchestrator.proxmox.Vm;
import dev.baozi.orchestrator.proxmox.VmConfig;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The migration steps on Proxmox and NetBox: the plan's checks and the target's address, the
 * backup, the cutover (marker, shutdown, remote migrate or restore of a shared backup), start and
 * verify, soak, decommission, and the rollback of the VM and the address. Each step finds its work
 * done on a repeat: what it cannot find on the clusters (the marker, a transfer's task) it leaves in
 * the step's details, and the cutover ends an attempt ({@link StepResult.Pending}) after each part
 * whose result the next part needs, so that part is on the timeline before anything else changes.
 * The DNS steps and the adopt run are {@code later}'s.
 */
public final class ProxmoxMigrationActions implements MigrationActions {

    /** Where the cutover's marker is written inside the guest. */
    public static final String MARKER_FILE = "/var/lib/baozi/migration-marker";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clusters clusters;
    private final Optional<AddressReservations> addresses;
    private final Timeline timeline;
    private final DeploymentNames names;
    private final MigrationActions later;
    private final RelocationSettings settings;

    public ProxmoxMigrationActions(Clusters clusters, Optional<AddressReservations> addresses, Timeline timeline,
            DeploymentNames names, MigrationActions later, RelocationSettings settings) {
        this.clusters = clusters;
        this.addresses = addresses;
        this.timeline = timeline;
        this.names = names;
        this.later = later;
        this.settings = settings;
    }

    /** The tag key of the address a migration reserves in the target's pool: a retry finds it by it. */
    public static String reservationKey(Migration m) {
        return m.workspace() + "-migration-" + m.id();
    }

    // ---- plan ----

    @Override
    public PlanResult plan(Migration m) {
        Optional<Clusters.Cluster> source;
        Optional<Clusters.Cluster> target;
        try {
            source = clusters.get(m.sourceProvider());
            target = clusters.get(m.target().provider());
        } catch (IllegalStateException e) {
            return new PlanResult.Refused(e.getMessage() + "; nothing was reserved");
        }
        if (source.isEmpty() || target.isEmpty()) {
            return new PlanResult.Refused("provider " + (source.isEmpty() ? m.sourceProvider() : m.target().provider())
                    + " is not registered; nothing was reserved");
        }
        Clusters.Cluster a = source.get();
        Clusters.Cluster b = target.get();
        try {
            b.client().version();
        } catch (ProxmoxException e) {
            return new PlanResult.Refused("target provider " + b.provider() + " is not reachable (" + e.getMessage()
                    + "); nothing was reserved");
        }
        Optional<Vm> found;
        try {
            found = sourceVm(m, a);
        } catch (ProxmoxException e) {
            return new PlanResult.Refused("source provider " + a.provider() + " is not reachable (" + e.getMessage()
                    + "); nothing was reserved");
        }
        if (found.isEmpty()) {
            return new PlanResult.Refused("provider " + a.provider() + " has no VM named " + m.workspace() + "; nothing was reserved");
        }
        Vm vm = found.get();
        VmConfig config = a.client().config(vm.node(), vm.vmid());
        long memory = config.memory().orElse(vm.maxmem() >> 20) << 20;
        int cpus = Math.max(vm.cpus(), config.cores().orElse(1));
        String node = b.node();

        List<MigrationPlan.Finding> findings = new ArrayList<>();
        NodeStatus status = b.client().nodeStatus(node);
        findings.add(new MigrationPlan.Finding("memory", status.memoryFree() >= memory, "node " + node + " on " + b.provider()
                + " has " + gib(status.memoryFree()) + " free, the VM needs " + gib(memory)));
        findings.add(new MigrationPlan.Finding("cpus", status.cpus() >= cpus, "node " + node + " on " + b.provider() + " has "
                + status.cpus() + " CPUs, the VM needs " + cpus));
        findings.add(storageFinding(b, node, m.target().storage(), vm.maxdisk()));
        List<String> bridges = b.client().bridges(node);
        findings.add(new MigrationPlan.Finding("bridge", bridges.contains(m.target().bridge()), "node " + node + " on "
                + b.provider() + (bridges.contains(m.target().bridge()) ? " has bridge " + m.target().bridge()
                        : " has no bridge " + m.target().bridge() + " (it has: " + String.join(", ", bridges) + ")")));
        Optional<String> shared = sharedBackupStorage(a, vm.node(), b);
        String route = b.endpoint().isPresent() ? "remote migrate to " + b.endpoint().get().host() + ":" + b.endpoint().get().port()
                : shared.map(s -> "restore from the shared backup storage " + s).orElse(null);
        findings.add(new MigrationPlan.Finding("route", route != null, route != null ? route
                : "no remote migration route to " + b.provider() + " is configured (its certificate fingerprint is not pinned) and "
                        + a.provider() + " and " + b.provider() + " share no backup storage"));
        List<DeploymentNames.Name> dns = names.of(m.workspace());
        List<String> outside = dns.stream().flatMap(n -> n.problem().stream()).toList();
        findings.add(new MigrationPlan.Finding("names", outside.isEmpty(), dns.isEmpty() ? "the deployment has no DNS names"
                : outside.isEmpty() ? String.join(", ", dns.stream().map(DeploymentNames.Name::name).toList())
                        + " stay in zones Baozi manages" : String.join("; ", outside)));
        MigrationPlan unreserved = new MigrationPlan(null, null, List.of(), new MigrationPlan.Ttl(0, 0), null, 0, findings);
        if (!unreserved.failures().isEmpty()) {
            return new PlanResult.Refused(unreserved.failures() + "; nothing was reserved");
        }

        if (addresses.isEmpty()) {
            return new PlanResult.Refused("NetBox is not configured (netbox.url), so no address can be reserved in "
                    + m.target().pool() + "; nothing was reserved");
        }
        Optional<Pool> pool = Pool.parse(m.target().pool());
        if (pool.isEmpty()) {
            return new PlanResult.Refused("target pool '" + m.target().pool() + "' is neither a prefix nor an IP range");
        }
        AddressReservations.Outcome reserved;
        try {
            reserved = addresses.get().reserve(reservationKey(m), pool.get(), "",
                    "reserved by Baozi for migration " + m.id() + " of " + m.workspace() + " to " + b.provider());
        } catch (NetBoxException e) {
            return new PlanResult.Refused("NetBox did not answer the reservation in " + pool.get() + " (" + e.getMessage()
                    + "); nothing was reserved");
        }
        IpAddress address = switch (reserved) {
            case AddressReservations.Outcome.Reserved r -> r.address();
            case AddressReservations.Outcome.Exhausted x -> null;
            case AddressReservations.Outcome.UnknownPool u -> null;
        };
        if (address == null) {
            String why = reserved instanceof AddressReservations.Outcome.Exhausted x ? x.message()
                    : ((AddressReservations.Outcome.UnknownPool) reserved).message();
            return new PlanResult.Refused("address: " + why + " in NetBox for " + b.provider() + "; nothing was reserved");
        }
        findings.add(new MigrationPlan.Finding("address", true, address.address() + " reserved in " + pool.get()
                + " (tag " + AddressReservations.tag(reservationKey(m)) + ")"));
        int targetVmid = b.client().nextId();
        long downtime = settings.shutdownGrace().toSeconds() + vm.maxdisk() / Math.max(1, settings.transferBytesPerSecond()) + 30;
        String backup = "vzdump of VM " + vm.vmid() + " on " + a.provider() + " (snapshot mode) to "
                + backupStorage(a, vm.node(), shared);
        return new PlanResult.Planned(new MigrationPlan(address.address(), new MigrationPlan.TargetVm(node, targetVmid,
                m.target().storage(), m.target().bridge()), List.of(), new MigrationPlan.Ttl(0, 0), backup, downtime, findings));
    }

    private static MigrationPlan.Finding storageFinding(Clusters.Cluster b, String node, String storage, long disk) {
        try {
            Storage s = b.client().storageStatus(node, storage);
            if (!s.content().contains("images")) {
                return new MigrationPlan.Finding("storage", false, "storage " + storage + " on " + node + " (" + b.provider()
                        + ") holds no disk images");
            }
            return new MigrationPlan.Finding("storage", s.avail() >= disk, "storage " + storage + " on " + node + " ("
                    + b.provider() + ") has " + gib(s.avail()) + " free, the disk needs " + gib(disk));
        } catch (ProxmoxException.ServerError | ProxmoxException.Refused e) {
            return new MigrationPlan.Finding("storage", false, "node " + node + " on " + b.provider() + " has no storage " + storage);
        }
    }


    private static String gib(long bytes) {
        double g = bytes / (double) (1L << 30);
        return (g == Math.rint(g) ? String.valueOf((long) g) : String.format(java.util.Locale.ROOT, "%.1f", g)) + " GiB";
    }

    // ---- backup ----

    @Override
    public StepResult backup(Migration m) {
        Clusters.Cluster a = cluster(m.sourceProvider());
        Optional<Vm> found = sourceVm(m, a);
        if (found.isEmpty()) {
            return new StepResult.Refused("provider " + a.provider() + " has no VM named " + m.workspace() + " to back up");
        }
        Vm vm = found.get();
        Optional<String> shared = clusters.get(m.target().provider()).flatMap(b -> sharedBackupStorage(a, vm.node(), b));
        String storage = backupStorage(a, vm.node(), shared);
        long since = m.requestedAt().toEpochSecond();
        Optional<StorageVolume> made = a.client().backups(vm.node(), storage, vm.vmid()).stream().filter(v -> v.ctime() >= since)
                .reduce((first, second) -> second);
        if (made.isPresent()) {
            return new StepResult.Done(backupDetails(a, vm, storage, made.get().volid(), made.get().size(), made.get().ctime(),
                    "found the backup this migration made"));
        }
        Backup b = a.client().backup(vm.node(), vm.vmid(), storage, BackupMode.SNAPSHOT, settings.taskTimeout());
        return new StepResult.Done(backupDetails(a, vm, storage, b.volid(), b.size(), b.ctime(), "task " + b.task().upid()));
    }

    private static Map<String, String> backupDetails(Clusters.Cluster a, Vm vm, String storage, String volid, long size, long ctime,
            String how) {
        return Map.of("backup", volid, "backup_size", String.valueOf(size), "backup_time", Instant.ofEpochSecond(ctime).toString(),
                "backup_node", vm.node(), "backup_storage", storage, "source_vm", vm.vmid() + " on " + a.provider(), "how", how);
    }

    // ---- cutover ----

    @Override
    public StepResult cutover(Migration m) {
        if (m.plan() == null || m.plan().targetVm() == null) {
            return new StepResult.Refused("migration " + m.id() + " has no plan: the cutover needs the target VM it names");
        }
        Clusters.Cluster a = cluster(m.sourceProvider());
        Clusters.Cluster b = cluster(m.target().provider());
        int targetVmid = (int) m.plan().targetVm().vmid();
        List<StepRecord> entries = entries(m, MigrationStep.CUTOVER);
        Map<String, String> known = merged(entries);
        known.remove("task"); // only an attempt that starts a transfer names its task
        Optional<String> task = openTask(entries);

        if (task.isPresent()) {
            Upid upid = Upid.parse(task.get());
            ProxmoxClient on = upid.type().equals("qmrestore") ? b.client() : a.client();
            Task t = on.task(upid);
            if (t.running()) {
                Map<String, String> details = new LinkedHashMap<>(known);
                details.put("task", upid.value());
                return new StepResult.Pending("transfer task " + upid + " runs", details);
            }
            List<String> log = on.log(upid);
            if (!t.succeeded()) {
                return new StepResult.Refused("the transfer of VM " + upid.id() + " to " + b.provider() + " failed: task " + upid
                        + " ended with '" + t.exitStatus().orElse("(no exit status)") + "'; last log lines: "
                        + String.join(" | ", log.subList(Math.max(0, log.size() - 5), log.size()))
                        + "; the VM on " + a.provider() + " is kept, stopped; retry starts the transfer again");
            }
            Map<String, String> details = new LinkedHashMap<>(known);
            details.put("task", upid.value());
            details.put("transfer_log", String.join("\n", log));
            details.put("target_vm", targetVmid + " on " + b.provider());
            return new StepResult.Done(details);
        }

        Optional<Vm> onB = vmById(b, targetVmid);
        if (onB.isPresent() && !onB.get().name().equals(m.workspace())) {
            return notOurs(b, onB.get(), m);
        }
        if (onB.isPresent()) {
            VmConfig config = b.client().config(onB.get().node(), targetVmid);
            if (config.get("lock").isPresent()) {
                return new StepResult.Pending("VM " + targetVmid + " on " + b.provider() + " is locked (" + config.get("lock").get()
                        + "): its transfer runs", known);
            }
            Map<String, String> details = new LinkedHashMap<>(known);
            details.put("target_vm", targetVmid + " on " + b.provider());
            details.put("found", "VM " + targetVmid + " is on " + b.provider() + " already");
            return new StepResult.Done(details);
        }

        Optional<Vm> found = sourceVm(m, a);
        if (found.isEmpty()) {
            return new StepResult.Refused("provider " + a.provider() + " has no VM named " + m.workspace() + " and " + b.provider()
                    + " has no VM " + targetVmid + ": nothing to move");
        }
        Vm vm = found.get();
        String marker = known.get("marker");
        if (marker == null) {
            if (!a.client().status(vm.node(), vm.vmid()).running()) {
                return new StepResult.Refused("VM " + vm.vmid() + " on " + a.provider() + " is stopped: the cutover writes its marker"
                        + " through the guest agent, start the VM first");
            }
            marker = existingMarker(m, a, vm).orElseGet(() -> "baozi-migration-" + m.id() + "-" + random());
            a.client().writeGuestFile(vm.node(), vm.vmid(), MARKER_FILE, marker);
            Map<String, String> details = new LinkedHashMap<>(known);
            details.put("marker", marker);
            details.put("marker_file", MARKER_FILE);
            details.put("source_vm", vm.vmid() + " on " + a.provider());
            return new StepResult.Pending("marker written into VM " + vm.vmid() + " on " + a.provider() + "; shutdown next", details);
        }

        ShutdownOutcome down = a.client().shutdownOrStop(vm.node(), vm.vmid(), settings.shutdownGrace(), settings.taskTimeout());
        Map<String, String> details = new LinkedHashMap<>(known);
        details.put("shutdown", down.name().toLowerCase(java.util.Locale.ROOT));
        Upid upid;
        if (b.endpoint().isPresent()) {
            upid = a.client().remoteMigrate(vm.node(), vm.vmid(), RemoteMigration.offline(b.endpoint().get(),
                    IdMap.all(m.target().storage()), IdMap.all(m.target().bridge()), targetVmid));
            details.put("route", "remote migrate");
        } else {
            Optional<String> shared = sharedBackupStorage(a, vm.node(), b);
            if (shared.isEmpty()) {
                return new StepResult.Refused("no remote migration route to " + b.provider() + " is configured and " + a.provider()
                        + " and " + b.provider() + " share no backup storage");
            }
            nextSecondAfterLastBackup(a, vm, shared.get());
            Backup last = a.client().backup(vm.node(), vm.vmid(), shared.get(), BackupMode.STOP, settings.taskTimeout());
            details.put("cutover_backup", last.volid());
            upid = b.client().restore(b.node(), targetVmid, last.volid(), m.target().storage(), false);
            details.put("route", "restore from " + shared.get());
        }
        details.put("task", upid.value());
        return new StepResult.Pending("transfer task " + upid + " runs", details);
    }

    /**
     * vzdump names an archive by the second it starts ({@code vzdump-qemu-<vmid>-<date>-<time>}): a
     * second backup within the second of the last one would overwrite it, so wait for the next second.
     */
    private static void nextSecondAfterLastBackup(Clusters.Cluster a, Vm vm, String storage) {
        long last = a.client().backups(vm.node(), storage, vm.vmid()).stream().mapToLong(StorageVolume::ctime).max().orElse(0);
        while (Instant.now().getEpochSecond() <= last) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to back up VM " + vm.vmid() + " on " + a.provider(), e);
            }
        }
    }

    /** A marker this migration wrote before a crash cut the attempt off, read back through the guest agent. */
    private static Optional<String> existingMarker(Migration m, Clusters.Cluster a, Vm vm) {
        try {
            String text = a.client().readGuestFile(vm.node(), vm.vmid(), MARKER_FILE).strip();
            return text.startsWith("baozi-migration-" + m.id() + "-") ? Optional.of(text) : Optional.empty();
        } catch (ProxmoxException.ServerError e) {
            return Optional.empty(); // no such file yet
        }
    }

    /** The transfer task the last attempts started, unless a refusal reported its end since. */
    private static Optional<String> openTask(List<StepRecord> entries) {
        String task = null;
        for (StepRecord e : entries) {
            if (e.outcome() == StepRecord.Outcome.REFUSED) {
                task = null;
            } else if (e.details().containsKey("task")) {
                task = e.details().get("task");
            }
        }
        return Optional.ofNullable(task);
    }

    // ---- start and verify ----

    @Override
    public StepResult startVerify(Migration m) {
        if (m.plan() == null || m.plan().targetVm() == null) {
            return new StepResult.Refused("migration " + m.id() + " has no plan: start and verify need the target VM it names");
        }
        Clusters.Cluster b = cluster(m.target().provider());
        int vmid = (int) m.plan().targetVm().vmid();
        Optional<Vm> vm = vmById(b, vmid);
        if (vm.isEmpty()) {
            return new StepResult.Refused("provider " + b.provider() + " has no VM " + vmid + ": the cutover has not moved it there");
        }
        if (!vm.get().name().equals(m.workspace())) {
            return notOurs(b, vm.get(), m);
        }
        String expected = merged(entries(m, MigrationStep.CUTOVER)).get("marker");
        if (expected == null) {
            return new StepResult.Refused("the cutover of migration " + m.id() + " recorded no marker to compare with");
        }
        String node = vm.get().node();
        if (!b.client().status(node, vmid).running()) {
            b.client().await(b.client().start(node, vmid), settings.taskTimeout());
        }
        String read = b.client().readGuestFile(node, vmid, MARKER_FILE).strip();
        if (!read.equals(expected)) {
            return new StepResult.Refused("the marker in VM " + vmid + " on " + b.provider() + " reads '" + read
                    + "', the cutover wrote '" + expected + "' on " + m.sourceProvider() + ": the disk did not move as it was");
        }
        return new StepResult.Done(Map.of("target_vm", vmid + " on " + b.provider(), "marker", "matches " + expected,
                "health_check", "none declared", "vars", "not delivered by this step yet"));
    }

    // ---- soak and decommission ----

    @Override
    public StepResult soak(Migration m) {
        Clusters.Cluster a = cluster(m.sourceProvider());
        Optional<Vm> vm = sourceVm(m, a);
        if (vm.isEmpty()) {
            return new StepResult.Done(Map.of("source_vm", "none named " + m.workspace() + " on " + a.provider()));
        }
        ShutdownOutcome down = a.client().shutdownOrStop(vm.get().node(), vm.get().vmid(), settings.shutdownGrace(),
                settings.taskTimeout());
        return new StepResult.Done(Map.of("source_vm", vm.get().vmid() + " on " + a.provider() + " stopped",
                "shutdown", down.name().toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public StepResult decommission(Migration m) {
        Clusters.Cluster a = cluster(m.sourceProvider());
        Map<String, String> details = new LinkedHashMap<>();
        Optional<Vm> vm = sourceVm(m, a);
        if (vm.isPresent()) {
            int vmid = vm.get().vmid();
            String node = vm.get().node();
            a.client().shutdownOrStop(node, vmid, settings.shutdownGrace(), settings.taskTimeout());
            a.client().await(a.client().destroy(node, vmid), settings.taskTimeout());
            details.put("source_vm", vmid + " on " + a.provider() + " destroyed");
        } else {
            details.put("source_vm", "none named " + m.workspace() + " on " + a.provider() + " (destroyed already)");
        }
        if (addresses.isPresent()) {
            String keep = m.plan() == null ? null : m.plan().reservedAddress();
            List<String> released = new ArrayList<>();
            for (IpAddress old : addresses.get().allHeld(m.workspace())) {
                if (!old.address().equals(keep) && addresses.get().release(old)) {
                    released.add(old.address());
                }
            }
            details.put("source_address", released.isEmpty() ? "none held (released already)" : "released " + String.join(", ", released));
        }
        Map<String, String> backups = merged(entries(m, MigrationStep.BACKUP));
        List<String> deleted = new ArrayList<>();
        String node = backups.getOrDefault("backup_node", a.node());
        deleteBackup(a, node, backups.get("backup"), deleted);
        deleteBackup(a, node, merged(entries(m, MigrationStep.CUTOVER)).get("cutover_backup"), deleted);
        details.put("backups", deleted.isEmpty() ? "none left to delete" : "deleted " + String.join(", ", deleted));
        return new StepResult.Done(details);
    }

    private void deleteBackup(Clusters.Cluster a, String node, String volid, List<String> deleted) {
        if (node == null || volid == null) {
            return;
        }
        String storage = volid.substring(0, volid.indexOf(':'));
        boolean there = a.client().storageContent(node, storage, Optional.of("backup"), java.util.OptionalInt.empty()).stream()
                .anyMatch(v -> v.volid().equals(volid));
        if (there) {
            a.client().await(a.client().deleteVolume(node, volid), settings.taskTimeout());
            deleted.add(volid);
        }
    }

    // ---- rollback ----

    @Override
    public StepResult startSource(Migration m) {
        Clusters.Cluster a = cluster(m.sourceProvider());
        Optional<Vm> vm = sourceVm(m, a);
        if (vm.isEmpty()) {
            return new StepResult.Refused("provider " + a.provider() + " has no VM named " + m.workspace() + " to start again");
        }
        int vmid = vm.get().vmid();
        if (a.client().status(vm.get().node(), vmid).running()) {
            return new StepResult.Done(Map.of("source_vm", vmid + " on " + a.provider() + " runs (it was running)"));
        }
        a.client().await(a.client().start(vm.get().node(), vmid), settings.taskTimeout());
        return new StepResult.Done(Map.of("source_vm", vmid + " on " + a.provider() + " started"));
    }

    @Override
    public StepResult releaseTarget(Migration m) {
        Map<String, String> details = new LinkedHashMap<>();
        if (m.plan() != null && m.plan().targetVm() != null) {
            Clusters.Cluster b = cluster(m.target().provider());
            int vmid = (int) m.plan().targetVm().vmid();
            Optional<Vm> vm = vmById(b, vmid);
            if (vm.isPresent() && !vm.get().name().equals(m.workspace())) {
                return new StepResult.Refused("VM " + vmid + " on " + b.provider() + " is named " + vm.get().name() + ", not "
                        + m.workspace() + ": it is not this migration's, and is left alone");
            }
            if (vm.isPresent()) {
                b.client().shutdownOrStop(vm.get().node(), vmid, settings.shutdownGrace(), settings.taskTimeout());
                b.client().await(b.client().destroy(vm.get().node(), vmid), settings.taskTimeout());
                details.put("target_vm", vmid + " on " + b.provider() + " destroyed");
            } else {
                details.put("target_vm", "no VM " + vmid + " on " + b.provider());
            }
        }
        if (addresses.isPresent()) {
            List<String> released = new ArrayList<>();
            for (IpAddress reserved : addresses.get().allHeld(reservationKey(m))) {
                if (addresses.get().release(reserved)) {
                    released.add(reserved.address());
                }
            }
            details.put("target_address", released.isEmpty() ? "none held" : "released " + String.join(", ", released));
        }
        return new StepResult.Done(details);
    }

    // ---- the steps of DNS and state: later's, unless their forward step never ran ----

    @Override
    public StepResult lowerTtl(Migration m) {
        return later.lowerTtl(m);
    }

    @Override
    public StepResult adopt(Migration m) {
        return later.adopt(m);
    }

    @Override
    public StepResult switchDns(Migration m) {
        return later.switchDns(m);
    }

    @Override
    public StepResult dnsBack(Migration m) {
        return ran(m, MigrationStep.SWITCH_DNS) ? later.dnsBack(m)
                : new StepResult.Done(Map.of("dns", "the names were never switched: nothing to point back"));
    }

    @Override
    public StepResult stateBack(Migration m) {
        return ran(m, MigrationStep.ADOPT) ? later.stateBack(m)
                : new StepResult.Done(Map.of("state", "the adopt run never ran: the state still holds the source's VM"));
    }

    @Override
    public StepResult restoreTtl(Migration m) {
        return ran(m, MigrationStep.LOWER_TTL) ? later.restoreTtl(m)
                : new StepResult.Done(Map.of("ttl", "the TTL was never lowered: nothing to restore"));
    }

    /** Whether an attempt of {@code step} did (or may have done) its work: ended done, waiting or pending, or cut off. */
    private boolean ran(Migration m, MigrationStep step) {
        return entries(m, step).stream().anyMatch(e -> switch (e.outcome()) {
            case DONE, WAITING, PENDING, RUNNING, INTERRUPTED -> true;
            default -> false;
        });
    }

    // ---- helpers ----

    private static StepResult notOurs(Clusters.Cluster b, Vm vm, Migration m) {
        return new StepResult.Refused("VM " + vm.vmid() + " on " + b.provider() + " is named " + vm.name() + ", not " + m.workspace()
                + ": another VM took the id the plan named; roll back and plan again");
    }

    private Clusters.Cluster cluster(String provider) {
        return clusters.get(provider).orElseThrow(() -> new IllegalStateException("provider " + provider + " is not registered"));
    }

    /** The deployment's VM on a cluster: the one named after the workspace. */
    private static Optional<Vm> sourceVm(Migration m, Clusters.Cluster c) {
        return c.client().vms().stream().filter(v -> !v.template() && v.name().equals(m.workspace())).findFirst();
    }

    private static Optional<Vm> vmById(Clusters.Cluster c, int vmid) {
        return c.client().vms().stream().filter(v -> v.vmid() == vmid).findFirst();
    }

    /** A storage both clusters see (same name, shared, holding backups), if there is one. */
    private static Optional<String> sharedBackupStorage(Clusters.Cluster a, String nodeA, Clusters.Cluster b) {
        List<String> onB = b.client().storages(b.node()).stream().filter(s -> s.shared() && s.content().contains("backup"))
                .map(Storage::storage).toList();
        return a.client().storages(nodeA).stream().filter(s -> s.shared() && s.content().contains("backup"))
                .map(Storage::storage).filter(onB::contains).findFirst();
    }

    /** The shared backup storage, else the source node's first storage that holds backups ({@code local} first). */
    private static String backupStorage(Clusters.Cluster a, String node, Optional<String> shared) {
        if (shared.isPresent()) {
            return shared.get();
        }
        List<Storage> backups = a.client().storages(node).stream().filter(s -> s.content().contains("backup")).toList();
        return backups.stream().map(Storage::storage).filter("local"::equals).findFirst()
                .or(() -> backups.stream().map(Storage::storage).findFirst())
                .orElseThrow(() -> new IllegalStateException("node " + node + " on " + a.provider() + " has no storage for backups"));
    }

    private List<StepRecord> entries(Migration m, MigrationStep step) {
        return timeline.of(m.id()).stream().filter(e -> e.step() == step).toList();
    }

    /** The details of a step's attempts, later ones over earlier ones. */
    private static Map<String, String> merged(List<StepRecord> entries) {
        Map<String, String> all = new LinkedHashMap<>();
        entries.forEach(e -> all.putAll(e.details()));
        return all;
    }

    private static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
