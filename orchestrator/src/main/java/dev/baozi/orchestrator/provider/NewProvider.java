package dev.baozi.orchestrator.provider;

import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.util.OptionalInt;

/**
 * A validated request for a provider, with its API token (whose {@code toString} hides the secret)
 * and the storage its backups go to.
 */
public record NewProvider(String name, URI endpoint, ApiToken token, TlsSettings tls, String defaultNode,
        OptionalInt templateVmid, String backupStorage) {}
