package dev.baozi.orchestrator.proxmox;

/**
 * A node's capacity from {@code GET /nodes/{node}/status}: memory in bytes (total, used, free as
 * PVE counts it) and its CPU threads, with the current CPU load (0..1).
 */
public record NodeStatus(String node, long memoryTotal, long memoryUsed, long memoryFree, int cpus, double cpu) {}
