package dev.baozi.harness.proxmox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * {@code POST /nodes/{node}/qemu/{vmid}/remote_migrate}: a VM moves to another cluster, here another
 * simulator running in this JVM. As in PVE ({@code PVE::API2::Qemu::remote_migrate_vm}), the request
 * itself checks the VM (a running VM needs {@code online}), the maps and the connection to the
 * target (reachable, its certificate's fingerprint, its API token) and refuses with a 500 when one
 * fails; the {@code qmigrate} task then checks the target (VM id free, storages, bridges), creates
 * the VM there under lock {@code migrate}, copies each disk's content and, when done, unlocks it.
 * The source VM stays, stopped, unless {@code delete=1}. A task that fails (a check, or an injected
 * failure half-way through the copy) removes what it made on the target, as PVE's cleanup does,
 * and leaves the source as it was.
 */
final class RemoteMigration {

    private final Cluster cluster;
    private final Tasks tasks;
    private final BiFunction<String, Integer, Optional<ProxmoxSimulator>> targets;

    RemoteMigration(Cluster cluster, Tasks tasks, BiFunction<String, Integer, Optional<ProxmoxSimulator>> targets) {
        this.cluster = cluster;
        this.tasks = tasks;
        this.targets = targets;
    }

    /** PVE's {@code storage-pair-list}/{@code bridge-pair-list}: {@code src:dst} pairs, one bare default id, or {@code 1} for identity. */
    record IdMap(Map<String, String> entries, String fallback, boolean identity) {

        static IdMap parse(String param, String text) {
            Map<String, String> entries = new TreeMap<>();
            String fallback = null;
            boolean identity = false;
            for (String part : text.split("[,;\\s]+")) {
                if (part.isEmpty()) {
                    continue;
                }
                if (part.equals("1")) {
                    identity = true;
                } else if (part.contains(":")) {
                    String[] pair = part.split(":", 2);
                    if (entries.put(pair[0], pair[1]) != null) {
                        throw PveException.parameter(param, "failed to parse " + kind(param) + " map: duplicate mapping for source '"
                                + pair[0] + "'");
                    }
                } else {
                    if (fallback != null) {
                        throw PveException.parameter(param, "failed to parse " + kind(param)
                                + " map: default target ID specified more than once");
                    }
                    fallback = part;
                }
            }
            return new IdMap(entries, fallback, identity);
        }

        private static String kind(String param) {
            return param.equals("target-storage") ? "storage" : "bridge";
        }

        String map(String source) {
            String mapped = entries.get(source);
            return mapped != null ? mapped : fallback != null ? fallback : source;
        }
    }

    Object start(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            if (vm.lock != null) {
                throw PveException.failure("VM is locked (" + vm.lock + ")");
            }
            if (vm.running() && !c.flag("online")) {
                throw PveException.failure("can't migrate running VM without --online");
            }
            Map<String, String> endpoint;
            try {
                endpoint = PropertyString.parse(c.required("target-endpoint"), null);
            } catch (IllegalArgumentException e) {
                throw PveException.parameter("target-endpoint", "invalid format - " + e.getMessage());
            }
            for (String key : List.of("host", "apitoken")) {
                if (!endpoint.containsKey(key)) {
                    throw PveException.parameter("target-endpoint", "invalid format - property '" + key + "' is missing");
                }
            }
            for (String key : endpoint.keySet()) {
                if (!Set.of("host", "apitoken", "port", "fingerprint").contains(key)) {
                    throw PveException.parameter("target-endpoint", "invalid format - property '" + key + "' not defined in format");
                }
            }
            String host = endpoint.get("host");
            int port;
            try {
                port = Integer.parseInt(endpoint.getOrDefault("port", "8006"));
            } catch (NumberFormatException e) {
                throw PveException.parameter("target-endpoint", "invalid format - port: type check ('integer') failed");
            }
            IdMap storages = IdMap.parse("target-storage", c.required("target-storage"));
            IdMap bridges = IdMap.parse("target-bridge", c.required("target-bridge"));
            if (storages.identity()) {
                throw PveException.failure("remote migration requires explicit storage mapping!");
            }
            int targetVmid = c.optional("target-vmid").map(Integer::parseInt).orElse(vm.vmid);
            ProxmoxSimulator target = targets.apply(host, port).orElseThrow(() -> PveException.failure(
                    "Can't connect to " + host + ":" + port + " (Connection refused)"));
            String fingerprint = target.tls().fingerprint();
            String given = endpoint.get("fingerprint");
            if (given == null || !normalize(given).equals(normalize(fingerprint))) {
                throw PveException.failure("fingerprint '" + fingerprint + "' not verified, abort!");
            }
            if (!MessageDigest.isEqual(endpoint.get("apitoken").getBytes(StandardCharsets.UTF_8),
                    target.authorizationHeader().getBytes(StandardCharsets.UTF_8))) {
                throw PveException.failure("401 authentication failure");
            }
            boolean online = c.flag("online") && vm.running();
            boolean delete = c.flag("delete");
            String targetNode = target.endpointNode();
            vm.lock = "migrate";
            AtomicReference<Vm> created = new AtomicReference<>();
            Cluster there = target.cluster();
            return tasks.submit(vm.node, "qmigrate", Integer.toString(vm.vmid), c.user(), log -> {
                log.add("remote: started tunnel worker on " + host + ":" + port + " node '" + targetNode + "'");
                log.add("starting migration of VM " + vm.vmid + " to node '" + targetNode + "' (" + host + ")");
                synchronized (there) {
                    created.set(copy(vm, there, targetNode, targetVmid, storages, bridges, online, log));
                }
                if (online) {
                    vm.status = "stopped";
                }
                vm.lock = null;
                if (delete) {
                    log.add("deleting source VM " + vm.vmid + " and its disks");
                    cluster.destroy(vm);
                } else {
                    log.add("VM " + vm.vmid + " is kept on the source, stopped");
                }
                log.add("migration finished successfully");
            }, () -> {
                vm.lock = null;
                Vm half = created.get();
                synchronized (there) {
                    Vm made = half != null ? half : there.vms.get(targetVmid);
                    if (made != null && "migrate".equals(made.lock)) {
                        there.destroy(made); // PVE's cleanup: the target removes the VM and the disks it allocated
                    }
                }
            }).toString();
        }
    }

    /** Creates the VM on the target under lock {@code migrate} and copies its disks; returns it unlocked. */
    private Vm copy(Vm vm, Cluster there, String node, int vmid, IdMap storages, IdMap bridges, boolean online, List<String> log) {
        if (there.vms.containsKey(vmid)) {
            throw PveException.failure("target: unable to create VM " + vmid + " - VM " + vmid + " already exists on node '"
                    + there.vms.get(vmid).node + "'");
        }
        List<String> drives = new ArrayList<>();
        for (var e : new TreeMap<>(vm.config).entrySet()) {
            String key = e.getKey();
            if (QemuConfig.isDrive(key) && !e.getValue().contains("media=cdrom")) {
                drives.add(key);
            }
            if (QemuConfig.isDrive(key) && (!e.getValue().contains("media=cdrom") || e.getValue().contains("cloudinit"))) {
                String file = PropertyString.parse(e.getValue(), "file").get("file");
                String to = storages.map(file.split(":", 2)[0]);
                Storage s = there.storages.get(to);
                if (s == null) {
                    throw PveException.failure("target: storage '" + to + "' does not exist");
                }
                if (!s.holds("images")) {
                    throw PveException.failure("target: storage '" + to + "' does not support vm images");
                }
            }
            if (QemuConfig.isNic(key)) {
                String bridge = PropertyString.parse(e.getValue(), null).get("bridge");
                if (bridge != null && !there.bridges.get(node).contains(bridges.map(bridge))) {
                    throw PveException.failure("target: bridge '" + bridges.map(bridge) + "' does not exist on node '" + node + "'");
                }
            }
        }
        Vm made = new Vm(vmid, node, Map.of());
        made.lock = "migrate";
        there.vms.put(vmid, made);
        log.add("remote: created VM " + vmid + " on node '" + node + "'");
        String halfwayDrive = drives.isEmpty() ? null : drives.get((drives.size() - 1) / 2);
        Map<String, String> config = new LinkedHashMap<>();
        for (var e : vm.config.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.startsWith("unused")) {
                continue;
            }
            if (QemuConfig.isDrive(key) && value.contains("cloudinit")) {
                String sid = storages.map(PropertyString.parse(value, "file").get("file").split(":", 2)[0]);
                value = QemuConfig.rewrite(there, made, key, sid + ":cloudinit,media=cdrom");
            } else if (QemuConfig.isDrive(key) && !value.contains("media=cdrom")) {
                value = copyDisk(vm, made, there, key, value, storages, log, key.equals(halfwayDrive));
            } else if (QemuConfig.isNic(key)) {
                Map<String, String> nic = PropertyString.parse(value, null);
                String bridge = nic.get("bridge");
                if (bridge != null) {
                    String mapped = bridges.map(bridge);
                    value = value.replace("bridge=" + bridge, "bridge=" + mapped);
                    if (!mapped.equals(bridge)) {
                        log.add("mapped: " + key + " from " + bridge + " to " + mapped);
                    }
                }
            }
            config.put(key, value);
        }
        made.config.putAll(config);
        made.lock = null;
        if (online) {
            made.status = "running";
            made.startedAt = System.currentTimeMillis();
        }
        return made;
    }

    private String copyDisk(Vm vm, Vm made, Cluster there, String key, String value, IdMap storages, List<String> log,
            boolean halfway) {
        Map<String, String> d = PropertyString.parse(value, "file");
        String file = d.get("file");
        String to = storages.map(file.split(":", 2)[0]);
        long size = QemuConfig.driveSize(value);
        Volume source = cluster.volume(vm.node, file)
                .orElseThrow(() -> PveException.failure("volume '" + file + "' does not exist"));
        Volume copy = there.allocateDisk(made.node, to, made.vmid, size, "vm-");
        log.add("mapped: " + key + " from " + file + " to " + copy.volid());
        Map<String, String> files = cluster.diskFiles(source);
        there.writeDiskFiles(copy, files);
        log.add("drive-" + key + ": transferred " + PropertyString.formatSize(size / 2) + " of " + PropertyString.formatSize(size)
                + " (50.00%)");
        if (halfway) {
            tasks.halfway(log); // an injected failure strikes with half the disk on the target
        }
        log.add("drive-" + key + ": transferred " + PropertyString.formatSize(size) + " of " + PropertyString.formatSize(size)
                + " (100.00%)");
        d.put("file", copy.volid());
        d.remove("format");
        return PropertyString.print(d, "file");
    }

    private static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").strip().toUpperCase(Locale.ROOT);
    }
}
