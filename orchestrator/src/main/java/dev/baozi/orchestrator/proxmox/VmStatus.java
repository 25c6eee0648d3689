package dev.baozi.orchestrator.proxmox;

/**
 * {@code GET /nodes/{node}/qemu/{vmid}/status/current}: status {@code running}/{@code stopped},
 * QEMU's own state ({@code qmpstatus}, e.g. {@code paused}), CPU load, memory in bytes, uptime in seconds.
 */
public record VmStatus(int vmid, String name, String status, String qmpStatus, double cpu, int cpus, long mem, long maxmem,
        long uptime, boolean template) {

    public boolean running() {
        return "running".equals(status);
    }
}
