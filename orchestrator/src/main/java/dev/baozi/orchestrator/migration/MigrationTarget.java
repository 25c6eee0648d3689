package dev.baozi.orchestrator.migration;

/**
 * Where a migration moves a deployment: the target provider (a registered Proxmox cluster), the
 * NetBox pool (prefix) its new address comes from, and the storage and bridge its disk and network
 * land on (as Proxmox's {@code target-storage} and {@code target-bridge} take them: one id, or
 * {@code source:target} pairs).
 */
public record MigrationTarget(String provider, String pool, String storage, String bridge) {}
