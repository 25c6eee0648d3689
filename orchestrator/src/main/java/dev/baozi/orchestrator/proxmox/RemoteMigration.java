package dev.baozi.orchestrator.proxmox;

import java.util.OptionalInt;

/**
 * A {@code remote_migrate} to another cluster: where to ({@link RemoteEndpoint}), which storages and
 * bridges there take the VM's disks and NICs, the VM id there (the same when empty), whether the
 * source VM is deleted after success (else it stays, stopped), whether a running VM moves live, and
 * an optional bandwidth limit in KiB/s.
 */
public record RemoteMigration(RemoteEndpoint target, IdMap storages, IdMap bridges, OptionalInt targetVmid, boolean delete,
        boolean online, OptionalInt bwlimitKiB) {

    /** An offline move keeping the source VM, without a bandwidth limit. */
    public static RemoteMigration offline(RemoteEndpoint target, IdMap storages, IdMap bridges, int targetVmid) {
        return new RemoteMigration(target, storages, bridges, OptionalInt.of(targetVmid), false, false, OptionalInt.empty());
    }
}
