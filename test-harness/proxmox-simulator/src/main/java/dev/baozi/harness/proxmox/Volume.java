package dev.baozi.harness.proxmox;

/**
 * A volume on a storage: a VM disk ({@code images}), a cloud-init drive, an ISO or a backup.
 * {@code name} is the part after {@code storage:} in the volume id. A backup keeps the configuration
 * it saved, so a restore can recreate the VM.
 */
public record Volume(String node, String storage, String name, int vmid, String content, String format,
        long size, long ctime, String backupConfig) {

    public String volid() {
        return storage + ":" + name;
    }

    Volume withSize(long newSize) {
        return new Volume(node, storage, name, vmid, content, format, newSize, ctime, backupConfig);
    }

    Volume renamed(String newName) {
        return new Volume(node, storage, newName, vmid, content, format, size, ctime, backupConfig);
    }
}
