package dev.baozi.orchestrator.provider;

import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.OptionalInt;

/**
 * A provider as stored: how to reach its Proxmox API ({@code endpoint}, {@code tokenId}, how to
 * check its certificate), the node new VMs go to, and the template they are cloned from. The
 * token's secret is not here: it is in OpenBao.
 */
public record Provider(long id, String name, URI endpoint, String tokenId, TlsSettings tls, String defaultNode,
        OptionalInt templateVmid, String createdBy, OffsetDateTime createdAt) {}
