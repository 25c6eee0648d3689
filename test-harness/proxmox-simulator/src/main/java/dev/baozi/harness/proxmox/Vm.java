package dev.baozi.harness.proxmox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A QEMU VM: its configuration as PVE keeps it ({@code qemu-server/<vmid>.conf}, one string per
 * option), where it lives and whether it runs. Guarded by the {@link Cluster}'s lock.
 */
final class Vm {

    final int vmid;
    String node;
    final Map<String, String> config;
    String status = "stopped";
    String lock;
    long startedAt;
    long pid;

    Vm(int vmid, String node, Map<String, String> config) {
        this.vmid = vmid;
        this.node = node;
        this.config = new LinkedHashMap<>(config);
    }

    boolean template() {
        return "1".equals(config.get("template"));
    }

    boolean running() {
        return status.equals("running");
    }

    String name() {
        return config.getOrDefault("name", "VM " + vmid);
    }

    /** Memory in MiB (PVE: {@code memory: [current=]<MiB>}, default 512). */
    long memoryMiB() {
        String m = config.get("memory");
        if (m == null) {
            return 512;
        }
        String v = PropertyString.parse(m, "current").getOrDefault("current", "512");
        return Long.parseLong(v);
    }

    int cpus() {
        int cores = Integer.parseInt(config.getOrDefault("cores", "1"));
        int sockets = Integer.parseInt(config.getOrDefault("sockets", "1"));
        return config.containsKey("vcpus") ? Integer.parseInt(config.get("vcpus")) : cores * sockets;
    }

    /** The copy tests and the state file see. */
    VmView view() {
        return new VmView(vmid, node, name(), status, template(), lock, Map.copyOf(config));
    }
}
