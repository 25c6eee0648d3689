package dev.baozi.orchestrator.backup;

import java.time.OffsetDateTime;

/**
 * A backup as recorded: of VM {@code vmid} ({@code vmName}) of workspace {@code workspace}, made on
 * {@code provider}'s node {@code node} into {@code storage} as archive {@code volid} ({@code sizeBytes}),
 * why, by whom, when, and when the sweep deletes it.
 */
public record VmBackup(long id, String workspace, String provider, String node, int vmid, String vmName, String storage,
        String volid, long sizeBytes, BackupReason reason, String createdBy, OffsetDateTime createdAt, OffsetDateTime expiresAt) {}
