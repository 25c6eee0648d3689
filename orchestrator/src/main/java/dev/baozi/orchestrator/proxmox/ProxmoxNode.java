package dev.baozi.orchestrator.proxmox;

/**
 * A cluster node from {@code GET /nodes}: status {@code online}/{@code offline}/{@code unknown}, CPU
 * load (0..1 of {@code maxcpu} cores), memory in bytes, uptime in seconds.
 */
public record ProxmoxNode(String name, String status, double cpu, int maxcpu, long mem, long maxmem, long uptime) {

    public boolean online() {
        return "online".equals(status);
    }
}
