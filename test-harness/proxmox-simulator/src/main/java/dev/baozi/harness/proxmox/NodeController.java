package dev.baozi.harness.proxmox;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /nodes/...} other than VMs: nodes, storages and their content, backups (vzdump) and tasks. */
final class NodeController {

    private final Cluster cluster;
    private final Tasks tasks;
    private final String fingerprint;
    private final long bootTime = System.currentTimeMillis();

    NodeController(Cluster cluster, Tasks tasks, String fingerprint) {
        this.cluster = cluster;
        this.tasks = tasks;
        this.fingerprint = fingerprint;
    }

    Object nodes(ApiCall c) {
        synchronized (cluster) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String n : cluster.nodes) {
                Map<String, Object> node = nodeResource(n);
                node.put("ssl_fingerprint", fingerprint);
                out.add(node);
            }
            return out;
        }
    }

    /** A node as {@code /nodes} and {@code /cluster/resources} list it. */
    Map<String, Object> nodeResource(String n) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", "node/" + n);
        node.put("type", "node");
        node.put("node", n);
        node.put("status", "online");
        node.put("level", "");
        node.put("cpu", 0.02);
        node.put("maxcpu", cluster.capacity.get(n).cpus());
        node.put("mem", usedMemory(n));
        node.put("maxmem", cluster.capacity.get(n).memory());
        node.put("disk", 4L << 30);
        node.put("maxdisk", 100L << 30);
        node.put("uptime", uptime());
        return node;
    }

    private long usedMemory(String node) {
        return (2L << 30) + cluster.vms.values().stream()
                .filter(vm -> vm.node.equals(node) && vm.running())
                .mapToLong(vm -> vm.memoryMiB() << 20).sum();
    }

    private long uptime() {
        return (System.currentTimeMillis() - bootTime) / 1000 + 86400;
    }

    Object node(ApiCall c) {
        synchronized (cluster) {
            cluster.requireNode(c.node());
            List<Map<String, String>> out = new ArrayList<>();
            for (String s : List.of("network", "qemu", "storage", "status", "tasks", "vzdump")) {
                out.add(Map.of("subdir", s));
            }
            return out;
        }
    }

    Object status(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            cluster.requireNode(n);
            long used = usedMemory(n);
            long total = cluster.capacity.get(n).memory();
            int cpus = cluster.capacity.get(n).cpus();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("uptime", uptime());
            out.put("cpu", 0.02);
            out.put("wait", 0);
            out.put("loadavg", List.of("0.10", "0.08", "0.05"));
            out.put("memory", Map.of("total", total, "used", used, "free", Math.max(0, total - used), "available",
                    Math.max(0, total - used)));
            out.put("swap", Map.of("total", 8L << 30, "used", 0, "free", 8L << 30));
            out.put("rootfs", Map.of("total", 100L << 30, "used", 4L << 30, "free", 96L << 30, "avail", 96L << 30));
            out.put("ksm", Map.of("shared", 0));
            out.put("cpuinfo", Map.of("cpus", cpus, "sockets", 1, "cores", cpus, "model", "Baozi simulated CPU",
                    "mhz", "2400.000", "hvm", "1", "flags", "fpu vme de pse tsc msr pae mce cx8 apic sep"));
            out.put("pveversion", "pve-manager/" + ClusterController.VERSION + "/baozi-simulator");
            out.put("kversion", "Linux 6.14.11-4-pve #1 SMP PREEMPT_DYNAMIC");
            out.put("boot-info", Map.of("mode", "efi", "secureboot", 0));
            out.put("current-kernel", Map.of("sysname", "Linux", "release", "6.14.11-4-pve", "machine", "x86_64",
                    "version", "#1 SMP PREEMPT_DYNAMIC"));
            return out;
        }
    }

    Object storages(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            cluster.requireNode(n);
            var content = c.optional("content");
            var only = c.optional("storage");
            List<Map<String, Object>> out = new ArrayList<>();
            for (Storage s : cluster.storages.values()) {
                if (only.isPresent() && !only.get().equals(s.id())) {
                    continue;
                }
                if (content.isPresent() && QemuConfig.split(content.get()).stream().noneMatch(s::holds)) {
                    continue;
                }
                Map<String, Object> item = storageStatus(n, s);
                item.put("storage", s.id());
                out.add(item);
            }
            return out;
        }
    }

    Object storageStatus(ApiCall c) {
        synchronized (cluster) {
            return storageStatus(c.node(), cluster.storage(c.node(), c.required("storage")));
        }
    }

    Map<String, Object> storageStatus(String node, Storage s) {
        long used = cluster.used(node, s.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", s.type());
        out.put("content", String.join(",", s.content()));
        out.put("active", 1);
        out.put("enabled", 1);
        out.put("shared", s.shared() ? 1 : 0);
        out.put("total", s.totalBytes());
        out.put("used", used);
        out.put("avail", Math.max(0, s.totalBytes() - used));
        out.put("used_fraction", (double) used / s.totalBytes());
        return out;
    }

    Object content(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            Storage s = cluster.storage(n, c.required("storage"));
            var content = c.optional("content");
            var vmid = c.optional("vmid").map(Integer::parseInt);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Volume v : cluster.volumes(n, v -> v.storage().equals(s.id()))) {
                if (content.isPresent() && !content.get().equals(v.content())) {
                    continue;
                }
                if (vmid.isPresent() && vmid.get() != v.vmid()) {
                    continue;
                }
                out.add(volume(v));
            }
            return out;
        }
    }

    private static Map<String, Object> volume(Volume v) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("volid", v.volid());
        item.put("content", v.content());
        item.put("format", v.format());
        item.put("size", v.size());
        item.put("ctime", v.ctime());
        if (v.vmid() != 0) {
            item.put("vmid", v.vmid());
        }
        if (v.content().equals("images")) {
            item.put("used", v.size() / 4);
        }
        if (v.content().equals("backup")) {
            item.put("subtype", "qemu");
            item.put("notes", QemuController.parseConfigText(v.backupConfig()).getOrDefault("name", "VM " + v.vmid()));
        }
        return item;
    }

    Object volumeInfo(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            Volume v = find(c);
            Map<String, Object> out = new LinkedHashMap<>();
            Storage s = cluster.storages.get(v.storage());
            out.put("path", s.type().equals("dir")
                    ? "/var/lib/vz/" + (v.content().equals("images") ? "images/" : "") + v.name()
                    : "/dev/pve/" + v.name());
            out.put("size", v.size());
            out.put("used", v.size() / 4);
            out.put("format", v.format());
            cluster.requireNode(n);
            return out;
        }
    }

    Object deleteVolume(ApiCall c) {
        synchronized (cluster) {
            Volume v = find(c);
            if (v.content().equals("images")) {
                Vm owner = cluster.vms.get(v.vmid());
                if (owner != null && owner.config.values().stream().anyMatch(value -> value.contains(v.volid()))) {
                    throw PveException.failure("unable to delete '" + v.volid() + "' - volume is still in use (referenced by VM "
                            + v.vmid() + ")");
                }
            }
            return tasks.submit(c.node(), "imgdel", v.volid(), c.user(), log -> cluster.removeVolume(c.node(), v.volid()))
                    .toString();
        }
    }

    /** The volume a content route names: a full volume id, or a name on the route's storage. */
    private Volume find(ApiCall c) {
        String n = c.node();
        cluster.requireNode(n);
        String volume = c.required("volume");
        String volid = volume.contains(":") ? volume : c.required("storage") + ":" + volume;
        return cluster.volume(n, volid).orElseThrow(() -> PveException.failure("volume '" + volid + "' does not exist"));
    }

    /** {@code POST /nodes/{node}/vzdump}: one backup volume per VM, holding the VM's config for a restore. */
    Object vzdump(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            cluster.requireNode(n);
            if (c.optional("vmid").isEmpty()) {
                throw PveException.parameter("vmid", "property is missing and it is not optional");
            }
            String storageId = c.optional("storage").orElse("local");
            Storage storage = cluster.storage(n, storageId);
            if (!storage.holds("backup")) {
                throw PveException.parameter("storage", "storage '" + storageId + "' does not support backups");
            }
            List<Vm> guests = new ArrayList<>();
            for (String id : QemuConfig.split(c.required("vmid"))) {
                guests.add(cluster.vm(n, Integer.parseInt(id)));
            }
            String compress = c.optional("compress").orElse("0");
            String extension = switch (compress) {
                case "zstd" -> ".vma.zst";
                case "lzo" -> ".vma.lzo";
                case "gzip", "1" -> ".vma.gz";
                default -> ".vma";
            };
            String id = guests.size() == 1 ? Integer.toString(guests.get(0).vmid) : "";
            List<Volume> written = new ArrayList<>();
            return tasks.submit(n, "vzdump", id, c.user(), log -> {
                for (Vm vm : guests) {
                    if (!cluster.vms.containsKey(vm.vmid)) {
                        throw PveException.failure("VM " + vm.vmid + " does not exist");
                    }
                    String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss"));
                    String name = "backup/vzdump-qemu-" + vm.vmid + "-" + stamp + extension;
                    long size = vm.config.entrySet().stream()
                            .filter(e -> QemuConfig.isDrive(e.getKey()) && !e.getValue().contains("media=cdrom"))
                            .mapToLong(e -> QemuConfig.driveSize(e.getValue())).sum() / 8 + 4096;
                    long ctime = System.currentTimeMillis() / 1000;
                    String config = QemuController.configText(vm.config);
                    Volume backup = new Volume(n, storageId, name, vm.vmid, "backup", extension.substring(1), size, ctime, config);
                    log.add("INFO: Starting Backup of VM " + vm.vmid + " (qemu)");
                    log.add("INFO: creating vzdump archive '" + backup.volid() + "'");
                    Map<String, Map<String, String>> disks = new LinkedHashMap<>();
                    for (var e : new java.util.TreeMap<>(vm.config).entrySet()) {
                        if (!QemuConfig.isDrive(e.getKey()) || e.getValue().contains("media=cdrom")) {
                            continue;
                        }
                        String file = PropertyString.parse(e.getValue(), "file").get("file");
                        cluster.volume(vm.node, file).ifPresent(v -> disks.put(e.getKey(), cluster.diskFiles(v)));
                    }
                    written.add(backup);
                    cluster.disks.writeArchive(backup, storage.shared(), new Disks.Archive(vm.vmid, ctime, size,
                            extension.substring(1), config, disks));
                    cluster.addVolume(backup);
                    log.add("INFO: backup is sparse: 50% (" + size / 2 + " bytes) total zero data");
                    tasks.halfway(log); // an injected failure strikes with half the archive written
                    log.add("INFO: transferred " + size + " bytes in 1 seconds");
                    log.add("INFO: archive file size: " + PropertyString.formatSize(size));
                    log.add("INFO: Finished Backup of VM " + vm.vmid);
                }
                log.add("INFO: Backup job finished successfully");
            }, () -> {
                // vzdump writes to a temporary file and removes it when the backup fails
                for (Volume v : written) {
                    cluster.removeVolume(n, v.volid());
                }
            }).toString();
        }
    }

    /**
     * {@code GET /nodes/{node}/network}: the node's NIC ({@code eno1}) and its Linux bridges, with
     * PVE's {@code type} filter ({@code bridge}, {@code any_bridge}, {@code any_local_bridge},
     * {@code eth}; the other kinds the simulator has none of).
     */
    Object network(ApiCall c) {
        synchronized (cluster) {
            String n = c.node();
            cluster.requireNode(n);
            String type = c.optional("type").orElse(null);
            List<Map<String, Object>> out = new ArrayList<>();
            if (type == null || type.equals("eth")) {
                Map<String, Object> eth = new LinkedHashMap<>();
                eth.put("iface", "eno1");
                eth.put("type", "eth");
                eth.put("method", "manual");
                eth.put("families", List.of("inet"));
                eth.put("active", 1);
                eth.put("exists", 1);
                eth.put("priority", 2);
                out.add(eth);
            }
            boolean bridges = type == null || List.of("bridge", "any_bridge", "any_local_bridge").contains(type);
            if (bridges) {
                int priority = 3;
                for (String b : cluster.bridges.get(n)) {
                    Map<String, Object> bridge = new LinkedHashMap<>();
                    bridge.put("iface", b);
                    bridge.put("type", "bridge");
                    bridge.put("method", "manual");
                    bridge.put("families", List.of("inet"));
                    bridge.put("active", 1);
                    bridge.put("autostart", 1);
                    bridge.put("bridge_ports", b.equals("vmbr0") ? "eno1" : "");
                    bridge.put("bridge_stp", "off");
                    bridge.put("bridge_fd", "0");
                    bridge.put("priority", priority++);
                    out.add(bridge);
                }
            }
            return out;
        }
    }

    Object taskList(ApiCall c) {
        String n = c.node();
        synchronized (cluster) {
            cluster.requireNode(n);
        }
        var vmid = c.optional("vmid");
        var type = c.optional("typefilter");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Tasks.Task t : tasks.all().reversed()) {
            if (!t.upid.node().equals(n) || vmid.isPresent() && !vmid.get().equals(t.upid.id())
                    || type.isPresent() && !type.get().equals(t.upid.type())) {
                continue;
            }
            Map<String, Object> item = taskStatus(t);
            if (!t.running()) {
                item.put("endtime", t.endTime);
            }
            out.add(item);
        }
        int limit = c.optional("limit").map(Integer::parseInt).orElse(50);
        return out.subList(0, Math.min(limit, out.size()));
    }

    Object taskStatus(ApiCall c) {
        return taskStatus(task(c));
    }

    private Tasks.Task task(ApiCall c) {
        String upid = c.required("upid");
        Upid parsed = Upid.parse(upid);
        if (!parsed.node().equals(c.node())) {
            throw PveException.parameter("upid", "no such task");
        }
        return tasks.find(c.node(), upid).orElseThrow(() -> PveException.parameter("upid", "no such task"));
    }

    private static Map<String, Object> taskStatus(Tasks.Task t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upid", t.upid.toString());
        out.put("node", t.upid.node());
        out.put("pid", t.upid.pid());
        out.put("pstart", t.upid.pstart());
        out.put("starttime", t.upid.startTime());
        out.put("type", t.upid.type());
        out.put("id", t.upid.id());
        out.put("user", t.upid.user());
        String exit = t.exitStatus;
        out.put("status", exit == null ? "running" : "stopped");
        if (exit != null) {
            out.put("exitstatus", exit);
        }
        return out;
    }

    Object taskLog(ApiCall c) {
        Tasks.Task t = task(c);
        List<String> lines = tasks.log(t);
        int start = c.optional("start").map(Integer::parseInt).orElse(0);
        int limit = c.optional("limit").map(Integer::parseInt).orElse(50);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = start; i < lines.size() && out.size() < limit; i++) {
            out.add(Map.of("n", i + 1, "t", lines.get(i)));
        }
        return out;
    }

    /** {@code DELETE /nodes/{node}/tasks/{upid}}: stopping a task; the simulator's tasks end on their own. */
    Object stopTask(ApiCall c) {
        task(c);
        return null;
    }
}
