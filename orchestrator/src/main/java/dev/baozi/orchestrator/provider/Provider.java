package dev.baozi.orchestrator.provider;

import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.OptionalInt;

/**
 * A provider as stored: how to reach its Proxmox API ({@code endpoint}, {@code tokenId}, how to
 * check its certificate), the node new VMs go to, and the template they are cloned from. The
 * token's secret is not here: it is in OpenBao. {@code backupStorage} is the storage its backups
 * (vzdump archives) go to: {@code local} unless said otherwise; a storage two providers share
 * lets a backup made on one be restored on the other.
 */
public record Provider(long id, String name, URI endpoint, String tokenId, TlsSettings tls, String defaultNode,
        OptionalInt templateVmid, String createdBy, OffsetDateTime createdAt, String backupStorage) {

    /** The backup storage of a provider created without one. */
    public static final String DEFAULT_BACKUP_STORAGE = "local";
}
