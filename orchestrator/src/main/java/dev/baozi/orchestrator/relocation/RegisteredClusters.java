package dev.baozi.orchestrator.relocation;

import dev.baozi.openbao.KvV2;
import dev.baozi.orchestrator.provider.Provider;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.RemoteEndpoint;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.util.Optional;

/**
 * The providers of the registry as clusters: a client with the provider's token, and a remote
 * migration route to a provider whose certificate fingerprint is pinned (PVE's {@code target-endpoint}
 * needs the fingerprint); its token secret comes from OpenBao and goes only into the request.
 */
public final class RegisteredClusters implements Clusters {

    private final ProviderService providers;
    private final KvV2 kv;

    public RegisteredClusters(ProviderService providers, KvV2 kv) {
        this.providers = providers;
        this.kv = kv;
    }

    @Override
    public Optional<Cluster> get(String name) {
        return providers.get(name).map(p -> new Cluster(p.name(), providers.client(p), p.defaultNode(), endpoint(p)));
    }

    private Optional<RemoteEndpoint> endpoint(Provider p) {
        if (!(p.tls() instanceof TlsSettings.PinnedFingerprint pinned)) {
            return Optional.empty();
        }
        return kv.read(ProviderService.secretPath(p.name())).map(e -> e.text("secret")).map(secret -> {
            int port = p.endpoint().getPort() > 0 ? p.endpoint().getPort() : 8006;
            return new RemoteEndpoint(p.endpoint().getHost(), port, new ApiToken(p.tokenId(), secret), pinned.sha256());
        });
    }
}
