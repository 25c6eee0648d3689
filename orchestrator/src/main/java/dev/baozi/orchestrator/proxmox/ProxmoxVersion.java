package dev.baozi.orchestrator.proxmox;

/** {@code GET /version}: e.g. version {@code 8.2.4}, release {@code 8.2}, repoid {@code faa83925c9641325}. */
public record ProxmoxVersion(String version, String release, String repoid) {}
