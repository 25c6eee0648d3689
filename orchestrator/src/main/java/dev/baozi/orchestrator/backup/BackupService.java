package dev.baozi.orchestrator.backup;

import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.provider.Provider;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.proxmox.Backup;
import dev.baozi.orchestrator.proxmox.BackupMode;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.Vm;
import dev.baozi.orchestrator.workspace.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes vzdump backups (snapshot mode) of a deployment's VM on its provider, into the provider's
 * backup storage, and records each with its expiry; lists them; restores one into a new VM on a
 * provider that sees its storage; deletes expired ones (archive first, then the record).
 *
 * <p>A deployment's VM is found on its provider by the tag {@code baozi-<workspace>}, which the
 * deployment template puts on it: this works whether or not the workspace's state is sealed at rest
 * (it is, by default, and then Baozi cannot read it), and it finds the VM as it is now, so a VM
 * already gone is seen as gone.
 */
public final class BackupService {

    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    /** Where a restore puts the VM's disks unless asked otherwise: PVE's usual images storage. */
    public static final String DEFAULT_RESTORE_STORAGE = "local-lvm";

    private final BackupRepository backups;
    private final ProviderService providers;
    private final AuditRepository audit;
    private final Settings settings;
    private final Clock clock;

    /** How long a backup is kept, and how long a vzdump, restore or deletion may take. */
    public record Settings(Duration retention, Duration timeout) {}

    public BackupService(BackupRepository backups, ProviderService providers, AuditRepository audit, Settings settings, Clock clock) {
        this.backups = backups;
        this.providers = providers;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** What asking for a backup of a workspace's VM came to. */
    public sealed interface BackupOutcome {
        /** One backup per VM of the deployment (usually one). */
        record Made(List<VmBackup> backups) implements BackupOutcome {}

        /** There is no VM to back up (never applied, already gone, or no provider): nothing was done. */
        record NoVm(String message) implements BackupOutcome {}

        /** The backup could not be made; the message says what and where. */
        record Failed(String message) implements BackupOutcome {}
    }

    /** What asking for a restore came to. */
    public sealed interface RestoreOutcome {
        record Restored(VmBackup backup, String provider, String node, int vmid) implements RestoreOutcome {}

        record NotFound(String message) implements RestoreOutcome {}

        /** The request cannot be done as asked (no such provider, storage not visible, VM id taken): fix it. */
        record Refused(String message) implements RestoreOutcome {}

        /** Proxmox failed or did not answer: the message says what and where. */
        record Failed(String message) implements RestoreOutcome {}
    }

    /** Where a restore goes: each part empty means the default (the backup's provider, its default node, a free VM id, {@code local-lvm}). */
    public record RestoreTarget(Optional<String> provider, Optional<String> node, OptionalInt vmid, Optional<String> storage) {
        public static final RestoreTarget DEFAULT = new RestoreTarget(Optional.empty(), Optional.empty(), OptionalInt.empty(),
                Optional.empty());
    }

    /** The tag a deployment's VMs carry. */
    static String tag(String workspace) {
        return "baozi-" + workspace;
    }

    /**
     * Backs up every VM of deployment {@code ws} on its provider (snapshot mode, into the provider's
     * backup storage) and records each, {@code by} and {@code reason} with it; {@code progress}
     * hears what is happening.
     */
    public BackupOutcome backup(Workspace ws, BackupReason reason, String by, Consumer<String> progress) {
        if (ws.provider() == null) {
            return new BackupOutcome.NoVm("workspace " + ws.name() + " names no provider, so it has no VM to back up");
        }
        Optional<Provider> provider = providers.get(ws.provider());
        if (provider.isEmpty()) {
            return new BackupOutcome.Failed("workspace " + ws.name() + " names provider " + ws.provider() + ", which does not exist");
        }
        Provider p = provider.get();
        String where = "provider " + p.name() + " (" + p.endpoint() + ")";
        List<Vm> vms;
        ProxmoxClient client;
        try {
            client = providers.client(p);
            String tag = tag(ws.name()).toLowerCase(Locale.ROOT);
            vms = client.vms().stream()
                    .filter(v -> !v.template() && v.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals(tag)))
                    .toList();
        } catch (ProxmoxException | IllegalStateException e) { // IllegalStateException: the provider's token secret is missing
            return new BackupOutcome.Failed("looking for the VM of " + ws.name() + " on " + where + ": " + e.getMessage());
        }
        if (vms.isEmpty()) {
            return new BackupOutcome.NoVm("no VM on " + where + " carries the tag " + tag(ws.name()) + ": there is nothing to back up");
        }
        List<VmBackup> made = new ArrayList<>();
        for (Vm vm : vms) {
            String what = "VM " + vm.vmid() + " (" + vm.name() + ") on " + where + ", node " + vm.node() + ", to storage "
                    + p.backupStorage();
            progress.accept("backing up " + what + " (vzdump, snapshot mode)");
            Backup b;
            try {
                b = client.backup(vm.node(), vm.vmid(), p.backupStorage(), BackupMode.SNAPSHOT, settings.timeout());
            } catch (ProxmoxException e) {
                audit.record(by, "backup.create", ws.name(), "failed", what + ": " + e.getMessage());
                return new BackupOutcome.Failed("backing up " + what + ": " + e.getMessage());
            }
            OffsetDateTime at = OffsetDateTime.ofInstant(b.time(), ZoneOffset.UTC);
            VmBackup recorded = backups.insert(new VmBackup(0, ws.name(), p.name(), vm.node(), vm.vmid(), vm.name(), p.backupStorage(),
                    b.volid(), b.size(), reason, by, at, OffsetDateTime.now(clock).plus(settings.retention())));
            audit.record(by, "backup.create", ws.name(), "ok", "backup " + recorded.id() + " (" + reason.wire() + "): " + b.volid()
                    + " of VM " + vm.vmid() + " on " + p.name() + ", " + b.size() + " bytes");
            progress.accept("backup " + recorded.id() + ": " + b.volid() + " (" + b.size() + " bytes), kept until "
                    + recorded.expiresAt().withNano(0));
            made.add(recorded);
        }
        return new BackupOutcome.Made(made);
    }

    /**
     * Keeps backup {@code id} until {@code at} instead of its expiry (a migration keeps its backup
     * until decommission, then lets it expire {@code backups.retention} later: {@link #expiresFromNow}).
     * False when there is no such backup.
     */
    public boolean keepUntil(long id, OffsetDateTime at) {
        return backups.expireAt(id, at);
    }

    /** When a backup whose retention starts now expires: now plus {@code backups.retention}. */
    public OffsetDateTime expiresFromNow() {
        return OffsetDateTime.now(clock).plus(settings.retention());
    }

    /** The workspace's backups, newest first. */
    public List<VmBackup> list(String workspace) {
        return backups.of(workspace);
    }

    public Optional<VmBackup> get(long id) {
        return backups.get(id);
    }

    /**
     * Restores backup {@code id} of {@code workspace} into a new VM: on {@code target}'s provider (the
     * backup's unless said), which must see the backup's storage and archive, under a free VM id
     * (or the one asked for, which must be free).
     */
    public RestoreOutcome restore(String workspace, long id, RestoreTarget target, String by) {
        Optional<VmBackup> found = backups.get(id).filter(b -> b.workspace().equals(workspace));
        if (found.isEmpty()) {
            return new RestoreOutcome.NotFound("workspace " + workspace + " has no backup " + id);
        }
        VmBackup b = found.get();
        String providerName = target.provider().orElse(b.provider());
        Optional<Provider> provider = providers.get(providerName);
        if (provider.isEmpty()) {
            return new RestoreOutcome.Refused("provider: there is no provider named " + providerName);
        }
        Provider p = provider.get();
        String node = target.node().orElse(p.defaultNode());
        String storage = target.storage().orElse(DEFAULT_RESTORE_STORAGE);
        String where = "provider " + p.name() + " (" + p.endpoint() + "), node " + node;
        ProxmoxClient client;
        try {
            client = providers.client(p);
        } catch (IllegalStateException e) { // the provider's token secret is missing
            return new RestoreOutcome.Failed("restoring backup " + id + " on " + where + ": " + e.getMessage());
        }
        try {
            boolean sees;
            try {
                sees = client.storageContent(node, b.storage(), Optional.of("backup"), OptionalInt.empty()).stream()
                        .anyMatch(v -> v.volid().equals(b.volid()));
            } catch (ProxmoxException.ServerError | ProxmoxException.BadRequest | ProxmoxException.Refused e) {
                return new RestoreOutcome.Refused("provider: " + where + " cannot read storage " + b.storage() + " (" + e.getMessage()
                        + "); restore on a provider that shares it");
            }
            if (!sees) {
                return new RestoreOutcome.Refused("provider: storage " + b.storage() + " on " + where + " does not hold " + b.volid()
                        + (p.name().equals(b.provider()) ? " any more" : "; restore on a provider that shares the storage"));
            }
            int vmid;
            if (target.vmid().isPresent()) {
                vmid = target.vmid().getAsInt();
                if (client.vms().stream().anyMatch(v -> v.vmid() == vmid)) {
                    return new RestoreOutcome.Refused("vmid: VM " + vmid + " already exists on provider " + p.name()
                            + "; leave vmid out to get a free one");
                }
            } else {
                vmid = client.nextId();
            }
            client.await(client.restore(node, vmid, b.volid(), storage, false), settings.timeout());
            audit.record(by, "backup.restore", workspace, "ok", "backup " + id + " (" + b.volid() + ") restored as VM " + vmid + " on "
                    + p.name() + ", node " + node + ", disks on " + storage);
            return new RestoreOutcome.Restored(b, p.name(), node, vmid);
        } catch (ProxmoxException e) {
            audit.record(by, "backup.restore", workspace, "failed", "backup " + id + " on " + p.name() + ": " + e.getMessage());
            return new RestoreOutcome.Failed("restoring backup " + id + " (" + b.volid() + ") on " + where + ": " + e.getMessage());
        }
    }

    /**
     * Deletes every expired backup: its archive on its provider, then its record. An archive
     * already gone (or whose provider is gone) is forgotten; one that cannot be deleted now is
     * kept for the next sweep. Returns how many were deleted.
     */
    public int sweep() {
        int deleted = 0;
        for (VmBackup b : backups.expired(OffsetDateTime.now(clock))) {
            Optional<Provider> provider = providers.get(b.provider());
            try {
                if (provider.isPresent()) {
                    ProxmoxClient client = providers.client(provider.get());
                    boolean there = client.storageContent(b.node(), b.storage(), Optional.of("backup"), OptionalInt.empty()).stream()
                            .anyMatch(v -> v.volid().equals(b.volid()));
                    if (there) {
                        client.await(client.deleteVolume(b.node(), b.volid()), settings.timeout());
                    }
                }
            } catch (ProxmoxException | IllegalStateException e) {
                log.warn("deleting expired backup {} ({} on provider {}): {}; trying again at the next sweep", b.id(), b.volid(),
                        b.provider(), e.getMessage());
                continue;
            }
            if (backups.delete(b.id())) {
                deleted++;
                audit.record("baozi:backup-sweep", "backup.delete", b.workspace(), "ok", "backup " + b.id() + " (" + b.volid() + " on "
                        + b.provider() + ") expired at " + b.expiresAt().withNano(0)
                        + (provider.isEmpty() ? "; its provider is gone, so only the record was deleted" : ""));
            }
        }
        return deleted;
    }
}
