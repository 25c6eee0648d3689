package dev.baozi.orchestrator.relocation;

import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.RemoteEndpoint;
import java.util.Optional;

/** The registered providers, as the migration steps need them: a client of each cluster and how another cluster reaches it. */
public interface Clusters {

    /** The provider named {@code name}; empty when none is registered. */
    Optional<Cluster> get(String name);

    /**
     * One provider's cluster: its client, the node new VMs go to, and the {@code target-endpoint} a
     * remote migration to it uses (empty when none is configured: its certificate fingerprint is not
     * pinned, so moves to it go through a shared backup storage).
     */
    record Cluster(String provider, ProxmoxClient client, String node, Optional<RemoteEndpoint> endpoint) {}
}
