package dev.baozi.orchestrator.backup;

import static dev.baozi.orchestrator.db.jooq.Tables.BACKUP;

import dev.baozi.orchestrator.db.jooq.tables.records.BackupRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Stores the record of each backup (the archive itself is on the provider's storage). */
public final class BackupRepository {

    private final DSLContext dsl;

    public BackupRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Records a backup just made; {@code b.id()} is ignored. */
    public VmBackup insert(VmBackup b) {
        return toBackup(dsl.insertInto(BACKUP)
                .set(BACKUP.WORKSPACE, b.workspace())
                .set(BACKUP.PROVIDER, b.provider())
                .set(BACKUP.NODE, b.node())
                .set(BACKUP.VMID, b.vmid())
                .set(BACKUP.VM_NAME, b.vmName())
                .set(BACKUP.STORAGE, b.storage())
                .set(BACKUP.VOLID, b.volid())
                .set(BACKUP.SIZE_BYTES, b.sizeBytes())
                .set(BACKUP.REASON, b.reason().wire())
                .set(BACKUP.CREATED_BY, b.createdBy())
                .set(BACKUP.CREATED_AT, b.createdAt())
                .set(BACKUP.EXPIRES_AT, b.expiresAt())
                .returning()
                .fetchOne());
    }

    public Optional<VmBackup> get(long id) {
        return dsl.selectFrom(BACKUP).where(BACKUP.ID.eq(id)).fetchOptional(BackupRepository::toBackup);
    }

    /** The workspace's backups, newest first. */
    public List<VmBackup> of(String workspace) {
        return dsl.selectFrom(BACKUP).where(BACKUP.WORKSPACE.eq(workspace)).orderBy(BACKUP.ID.desc()).fetch(BackupRepository::toBackup);
    }

    /** Backups whose expiry is at or before {@code now}, oldest first. */
    public List<VmBackup> expired(OffsetDateTime now) {
        return dsl.selectFrom(BACKUP).where(BACKUP.EXPIRES_AT.le(now)).orderBy(BACKUP.EXPIRES_AT, BACKUP.ID)
                .fetch(BackupRepository::toBackup);
    }

    /** Moves a backup's expiry to {@code at}; false when there is no backup with that id. */
    public boolean expireAt(long id, OffsetDateTime at) {
        return dsl.update(BACKUP).set(BACKUP.EXPIRES_AT, at).where(BACKUP.ID.eq(id)).execute() > 0;
    }

    /** Forgets a backup; false when there was none with that id. */
    public boolean delete(long id) {
        return dsl.deleteFrom(BACKUP).where(BACKUP.ID.eq(id)).execute() > 0;
    }

    private static VmBackup toBackup(BackupRecord r) {
        return new VmBackup(r.getId(), r.getWorkspace(), r.getProvider(), r.getNode(), r.getVmid(), r.getVmName(), r.getStorage(),
                r.getVolid(), r.getSizeBytes(), BackupReason.parse(r.getReason()).orElseThrow(() -> new IllegalStateException(
                        "backup " + r.getId() + " has an unknown reason '" + r.getReason() + "'")),
                r.getCreatedBy(), r.getCreatedAt(), r.getExpiresAt());
    }
}
