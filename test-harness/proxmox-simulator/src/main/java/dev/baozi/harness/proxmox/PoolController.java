package dev.baozi.harness.proxmox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /pools}: resource pools, named by {@code ?poolid=} (PVE 8.1+) or in the path (older form). */
final class PoolController {

    private final Cluster cluster;
    private final QemuController qemu;

    PoolController(Cluster cluster, QemuController qemu) {
        this.cluster = cluster;
        this.qemu = qemu;
    }

    /** {@code GET /pools}: every pool, or one with its members when {@code poolid} is given. */
    Object list(ApiCall c) {
        synchronized (cluster) {
            List<Map<String, Object>> out = new ArrayList<>();
            var only = c.optional("poolid");
            if (only.isPresent()) {
                cluster.pool(only.get());
            }
            for (var e : cluster.pools.entrySet()) {
                if (only.isPresent() && !only.get().equals(e.getKey())) {
                    continue;
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("poolid", e.getKey());
                if (e.getValue().comment != null) {
                    item.put("comment", e.getValue().comment);
                }
                if (only.isPresent()) {
                    item.put("members", members(e.getValue(), c.optional("type").orElse(null)));
                }
                out.add(item);
            }
            return out;
        }
    }

    /** {@code GET /pools/{poolid}}: one pool's comment and members. */
    Object show(ApiCall c) {
        synchronized (cluster) {
            Cluster.Pool pool = cluster.pool(c.required("poolid"));
            Map<String, Object> out = new LinkedHashMap<>();
            if (pool.comment != null) {
                out.put("comment", pool.comment);
            }
            out.put("members", members(pool, c.optional("type").orElse(null)));
            return out;
        }
    }

    private List<Map<String, Object>> members(Cluster.Pool pool, String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (type == null || type.equals("qemu")) {
            for (int vmid : pool.vms) {
                Vm vm = cluster.vms.get(vmid);
                if (vm == null) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", "qemu/" + vmid);
                m.put("type", "qemu");
                m.put("node", vm.node);
                m.putAll(qemu.status(vm));
                out.add(m);
            }
        }
        if (type == null || type.equals("storage")) {
            for (String s : pool.storages) {
                for (String n : cluster.nodes) {
                    out.add(Map.of("id", "storage/" + n + "/" + s, "type", "storage", "node", n, "storage", s));
                }
            }
        }
        return out;
    }

    Object create(ApiCall c) {
        synchronized (cluster) {
            String id = c.required("poolid");
            if (!id.matches("[A-Za-z0-9.\\-_/]+")) {
                throw PveException.parameter("poolid", "value does not match the regex pattern");
            }
            if (cluster.pools.containsKey(id)) {
                throw PveException.failure("create pool failed: pool '" + id + "' already exists");
            }
            cluster.pools.put(id, new Cluster.Pool(c.optional("comment").orElse(null)));
            return null;
        }
    }

    /** {@code PUT /pools}: comment, and VMs or storages added (or removed with {@code delete=1}). */
    Object update(ApiCall c) {
        synchronized (cluster) {
            Cluster.Pool pool = cluster.pool(c.required("poolid"));
            c.optional("comment").ifPresent(comment -> pool.comment = comment);
            boolean delete = c.flag("delete");
            for (String id : QemuConfig.split(c.optional("vms").orElse(null))) {
                int vmid = Integer.parseInt(id);
                if (delete) {
                    pool.vms.remove(vmid);
                    continue;
                }
                if (!cluster.vms.containsKey(vmid)) {
                    throw PveException.failure("VM " + vmid + " does not exist");
                }
                for (var other : cluster.pools.entrySet()) {
                    if (other.getValue() != pool && other.getValue().vms.contains(vmid)) {
                        if (!c.flag("allow-move")) {
                            throw PveException.failure("VM " + vmid + " belongs already to pool '" + other.getKey() + "'");
                        }
                        other.getValue().vms.remove(vmid);
                    }
                }
                pool.vms.add(vmid);
            }
            for (String s : QemuConfig.split(c.optional("storage").orElse(null))) {
                if (delete) {
                    pool.storages.remove(s);
                } else if (!cluster.storages.containsKey(s)) {
                    throw PveException.failure("storage '" + s + "' does not exist");
                } else {
                    pool.storages.add(s);
                }
            }
            return null;
        }
    }

    Object delete(ApiCall c) {
        synchronized (cluster) {
            String id = c.required("poolid");
            Cluster.Pool pool = cluster.pool(id);
            if (!pool.vms.isEmpty() || !pool.storages.isEmpty()) {
                throw PveException.failure("delete pool failed: pool '" + id + "' is not empty");
            }
            cluster.pools.remove(id);
            return null;
        }
    }
}
