package dev.baozi.orchestrator.proxmox;

import java.util.List;

/**
 * A QEMU VM as listed by {@code /cluster/resources?type=vm} or {@code /nodes/{node}/qemu}: status
 * {@code running}/{@code stopped}/…, whether it is a template, cores, memory and disk in bytes,
 * uptime in seconds, and its tags.
 */
public record Vm(int vmid, String name, String node, String status, boolean template, int cpus, long maxmem, long maxdisk,
        long uptime, List<String> tags) {

    public Vm {
        tags = List.copyOf(tags);
    }

    public boolean running() {
        return "running".equals(status);
    }
}
