package dev.baozi.harness.proxmox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /version} and {@code /cluster/...}: what the cluster as a whole answers. */
final class ClusterController {

    /** The PVE release the simulator claims to be (the schema it is checked against describes 9.1). */
    static final String VERSION = "9.1.1";
    static final String RELEASE = "9.1";

    private final Cluster cluster;
    private final QemuController qemu;
    private final NodeController nodes;

    ClusterController(Cluster cluster, QemuController qemu, NodeController nodes) {
        this.cluster = cluster;
        this.qemu = qemu;
        this.nodes = nodes;
    }

    Object version(ApiCall c) {
        return Map.of("version", VERSION, "release", RELEASE, "repoid", "baozi-sim", "console", "xtermjs");
    }

    Object status(ApiCall c) {
        synchronized (cluster) {
            List<Map<String, Object>> out = new ArrayList<>();
            out.add(Map.of("type", "cluster", "id", "cluster", "name", "baozi-sim", "nodes", cluster.nodes.size(),
                    "quorate", 1, "version", cluster.nodes.size()));
            int i = 1;
            for (String n : cluster.nodes) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("type", "node");
                node.put("id", "node/" + n);
                node.put("name", n);
                node.put("nodeid", i);
                node.put("ip", "127.0.0.1");
                node.put("online", 1);
                node.put("local", i == 1 ? 1 : 0);
                node.put("level", "");
                out.add(node);
                i++;
            }
            return out;
        }
    }

    /** {@code GET /cluster/resources}: VMs, storages and nodes, or one kind with {@code type}. */
    Object resources(ApiCall c) {
        synchronized (cluster) {
            String type = c.optional("type").orElse("");
            if (!type.isEmpty() && !List.of("vm", "storage", "node", "sdn").contains(type)) {
                throw PveException.parameter("type", "value '" + type
                        + "' does not have a value in the enumeration 'vm, storage, node, sdn'");
            }
            List<Map<String, Object>> out = new ArrayList<>();
            if (type.isEmpty() || type.equals("vm")) {
                for (Vm vm : cluster.vms.values()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("id", "qemu/" + vm.vmid);
                    r.put("type", "qemu");
                    r.put("node", vm.node);
                    r.putAll(qemu.status(vm));
                    r.put("maxcpu", vm.cpus());
                    r.put("template", vm.template() ? 1 : 0);
                    r.remove("cpus");
                    r.remove("qmpstatus");
                    r.remove("ha");
                    r.put("hastate", "");
                    out.add(r);
                }
            }
            if (type.isEmpty() || type.equals("storage")) {
                for (String n : cluster.nodes) {
                    for (Storage s : cluster.storages.values()) {
                        Map<String, Object> status = nodes.storageStatus(n, s);
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("id", "storage/" + n + "/" + s.id());
                        r.put("type", "storage");
                        r.put("storage", s.id());
                        r.put("node", n);
                        r.put("status", "available");
                        r.put("plugintype", s.type());
                        r.put("content", status.get("content"));
                        r.put("shared", status.get("shared"));
                        r.put("disk", status.get("used"));
                        r.put("maxdisk", status.get("total"));
                        out.add(r);
                    }
                }
            }
            if (type.isEmpty() || type.equals("node")) {
                for (String n : cluster.nodes) {
                    out.add(nodes.nodeResource(n));
                }
            }
            return out;
        }
    }

    /** {@code GET /cluster/nextid}: the lowest free id, or whether {@code vmid} is free (PVE answers a string). */
    Object nextId(ApiCall c) {
        synchronized (cluster) {
            var wanted = c.optional("vmid");
            if (wanted.isPresent()) {
                int id = Integer.parseInt(wanted.get());
                if (cluster.vms.containsKey(id)) {
                    throw PveException.parameter("vmid", "VM " + id + " already exists");
                }
                return Integer.toString(id);
            }
            return Integer.toString(cluster.nextId());
        }
    }
}
