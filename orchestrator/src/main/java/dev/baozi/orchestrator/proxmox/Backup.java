package dev.baozi.orchestrator.proxmox;

import java.time.Instant;

/**
 * A finished vzdump: its task, the volume id of the archive it wrote (what a restore takes as
 * {@code archive}), the archive's size in bytes and when it was made (epoch seconds).
 */
public record Backup(Task task, String volid, long size, long ctime) {

    public Instant time() {
        return Instant.ofEpochSecond(ctime);
    }
}
