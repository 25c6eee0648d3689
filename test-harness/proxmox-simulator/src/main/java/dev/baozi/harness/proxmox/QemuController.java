package dev.baozi.harness.proxmox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@code /nodes/{node}/qemu/...}: VMs' life (create, clone, restore, config, power, resize, destroy). */
final class QemuController {

    /** Parameters of the config routes that steer the write instead of being options. */
    static final Set<String> CONTROL = Set.of("node", "vmid", "delete", "digest", "skiplock", "force", "revert",
            "background_delay", "import-working-storage", "archive", "bwlimit", "ha-managed", "live-restore", "pool",
            "start", "storage", "unique");

    private final Cluster cluster;
    private final Tasks tasks;
    private final RemoteMigration remote;

    QemuController(Cluster cluster, Tasks tasks, RemoteMigration remote) {
        this.cluster = cluster;
        this.tasks = tasks;
        this.remote = remote;
    }

    /** {@code POST .../remote_migrate}: see {@link RemoteMigration}. */
    Object remoteMigrate(ApiCall c) {
        return remote.start(c);
    }

    Object list(ApiCall c) {
        synchronized (cluster) {
            cluster.requireNode(c.node());
            List<Map<String, Object>> out = new ArrayList<>();
            for (Vm vm : cluster.vms.values()) {
                if (vm.node.equals(c.node())) {
                    out.add(status(vm));
                }
            }
            return out;
        }
    }

    Object directory(ApiCall c) {
        synchronized (cluster) {
            cluster.vm(c.node(), c.vmid());
            List<Map<String, String>> out = new ArrayList<>();
            for (String s : List.of("config", "pending", "status", "clone", "resize", "template", "cloudinit", "agent",
                    "remote_migrate")) {
                out.add(Map.of("subdir", s));
            }
            return out;
        }
    }

    /** {@code POST /nodes/{node}/qemu}: a new VM from options, or a restore when {@code archive} is given. */
    Object create(ApiCall c) {
        synchronized (cluster) {
            String node = c.node();
            cluster.requireNode(node);
            int vmid = c.vmid();
            if (c.optional("archive").isPresent()) {
                return restore(c, node, vmid);
            }
            if (cluster.vms.containsKey(vmid)) {
                throw PveException.failure("unable to create VM " + vmid + " - VM " + vmid + " already exists on node '"
                        + cluster.vms.get(vmid).node + "'");
            }
            Cluster.Pool pool = c.optional("pool").map(cluster::pool).orElse(null);
            Vm vm = new Vm(vmid, node, Map.of());
            QemuConfig.apply(cluster, vm, options(c), null);
            if (pool != null) {
                pool.vms.add(vmid);
            }
            if (!vm.config.containsKey("vmgenid")) {
                vm.config.put("vmgenid", cluster.uuid());
            }
            if (!vm.config.containsKey("smbios1")) {
                vm.config.put("smbios1", "uuid=" + cluster.uuid());
            }
            vm.config.put("meta", "creation-qemu=9.2.0,ctime=" + System.currentTimeMillis() / 1000);
            vm.lock = "create";
            cluster.vms.put(vmid, vm);
            boolean start = c.flag("start");
            return tasks.submit(node, "qmcreate", Integer.toString(vmid), c.user(), log -> {
                vm.lock = null;
                if (start) {
                    vm.status = "running";
                    vm.startedAt = System.currentTimeMillis();
                }
            }, () -> destroyNow(vm)).toString();
        }
    }

    private Object restore(ApiCall c, String node, int vmid) {
        String archive = c.required("archive");
        Volume backup = cluster.volume(node, archive)
                .filter(v -> v.content().equals("backup"))
                .orElseThrow(() -> PveException.failure("volume '" + archive + "' does not exist"));
        Vm existing = cluster.vms.get(vmid);
        if (existing != null) {
            if (!c.flag("force")) {
                throw PveException.failure("unable to restore VM " + vmid + " - VM " + vmid + " already exists on node '"
                        + existing.node + "'");
            }
            if (!existing.node.equals(node)) {
                throw PveException.failure("unable to restore VM " + vmid + " - VM " + vmid + " already exists on node '"
                        + existing.node + "'");
            }
            if (existing.running()) {
                throw PveException.failure("unable to restore VM " + vmid + " - VM is running");
            }
        }
        String targetStorage = c.optional("storage").orElse(null);
        if (targetStorage != null) {
            cluster.storage(node, targetStorage);
        }
        boolean unique = c.flag("unique");
        Vm vm = new Vm(vmid, node, Map.of());
        vm.lock = "create";
        if (existing != null) {
            destroyNow(existing);
        }
        cluster.vms.put(vmid, vm);
        return tasks.submit(node, "qmrestore", Integer.toString(vmid), c.user(), log -> {
            log.add("restore vma archive: " + archive);
            Map<String, Map<String, String>> disks = cluster.disks.archive(backup, cluster.shared(backup.storage()))
                    .map(Disks.Archive::disks).orElse(Map.of());
            Map<String, String> saved = parseConfigText(backup.backupConfig());
            List<String> drives = saved.keySet().stream().filter(k -> disks.containsKey(k)).toList();
            for (var e : saved.entrySet()) {
                String key = e.getKey();
                String value = e.getValue();
                if (QemuConfig.isDrive(key)) {
                    value = copyDrive(vm, value, targetStorage, true, log);
                    Map<String, String> files = disks.get(key);
                    if (files != null) {
                        driveVolume(vm.node, value).ifPresent(v -> cluster.writeDiskFiles(v, files));
                        log.add("progress 100% (read " + QemuConfig.driveSize(value) + " bytes) for " + key);
                        if (key.equals(drives.get((drives.size() - 1) / 2))) {
                            tasks.halfway(log); // an injected failure strikes once half the disks are restored
                        }
                    }
                } else if (QemuConfig.isNic(key) && unique) {
                    value = value.replaceFirst("=([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}", "=" + cluster.randomMac());
                } else if (key.startsWith("unused")) {
                    continue;
                }
                vm.config.put(key, value);
            }
            if (unique && vm.config.containsKey("smbios1")) {
                vm.config.put("smbios1", "uuid=" + cluster.uuid());
            }
            vm.lock = null;
        }, () -> destroyNow(vm)).toString();
    }

    Object config(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            if (c.optional("snapshot").isPresent()) {
                throw PveException.failure("snapshot '" + c.required("snapshot") + "' does not exist");
            }
            return QemuConfig.json(vm.config);
        }
    }

    /** {@code GET .../pending}: the simulator applies every change at once, so nothing is ever pending. */
    Object pending(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            List<Map<String, Object>> out = new ArrayList<>();
            for (var e : new TreeMap<>(vm.config).entrySet()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("key", e.getKey());
                item.put("value", QemuConfig.typed(e.getKey(), e.getValue()));
                out.add(item);
            }
            return out;
        }
    }

    /** {@code PUT .../config}: applied at once. */
    Object update(ApiCall c) {
        synchronized (cluster) {
            Vm vm = writable(c);
            QemuConfig.apply(cluster, vm, options(c), c.optional("delete").orElse(null));
            return null;
        }
    }

    /** {@code POST .../config}: the same change, answered with a task. */
    Object updateAsync(ApiCall c) {
        synchronized (cluster) {
            Vm vm = writable(c);
            QemuConfig.apply(cluster, vm, options(c), c.optional("delete").orElse(null));
            return tasks.submit(c.node(), "qmconfig", Integer.toString(vm.vmid), c.user(), log -> { }).toString();
        }
    }

    private Vm writable(ApiCall c) {
        Vm vm = cluster.vm(c.node(), c.vmid());
        if (vm.lock != null && !c.flag("skiplock")) {
            throw PveException.failure("VM is locked (" + vm.lock + ")");
        }
        var digest = c.optional("digest");
        if (digest.isPresent() && !digest.get().equals(QemuConfig.digest(vm.config))) {
            throw PveException.failure("detected modified configuration - file changed by other user? Try again.");
        }
        return vm;
    }

    private static Map<String, String> options(ApiCall c) {
        Map<String, String> out = new LinkedHashMap<>();
        c.params().forEach((k, v) -> {
            if (!CONTROL.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    Object currentStatus(ApiCall c) {
        synchronized (cluster) {
            return status(cluster.vm(c.node(), c.vmid()));
        }
    }

    /** A VM's status fields as {@code status/current}, the VM list and {@code /cluster/resources} share them. */
    Map<String, Object> status(Vm vm) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("vmid", vm.vmid);
        s.put("name", vm.name());
        s.put("status", vm.status);
        s.put("qmpstatus", vm.status);
        s.put("cpus", vm.cpus());
        s.put("cpu", vm.running() ? 0.01 : 0);
        s.put("maxmem", vm.memoryMiB() << 20);
        s.put("mem", vm.running() ? (vm.memoryMiB() << 20) / 4 : 0);
        s.put("maxdisk", bootDiskSize(vm));
        s.put("disk", 0);
        s.put("netin", 0);
        s.put("netout", 0);
        s.put("diskread", 0);
        s.put("diskwrite", 0);
        s.put("uptime", vm.running() ? (System.currentTimeMillis() - vm.startedAt) / 1000 : 0);
        if (vm.running()) {
            s.put("pid", 100000 + vm.vmid);
        }
        if (vm.template()) {
            s.put("template", 1);
        }
        if (vm.lock != null) {
            s.put("lock", vm.lock);
        }
        if (vm.config.containsKey("tags")) {
            s.put("tags", vm.config.get("tags"));
        }
        if (agentEnabled(vm)) {
            s.put("agent", 1);
        }
        s.put("ha", Map.of("managed", 0));
        return s;
    }

    private static boolean agentEnabled(Vm vm) {
        String agent = vm.config.get("agent");
        if (agent == null) {
            return false;
        }
        String enabled = PropertyString.parse(agent, "enabled").getOrDefault("enabled", "0");
        return enabled.equals("1") || enabled.equals("true") || enabled.equals("yes") || enabled.equals("on");
    }

    private static long bootDiskSize(Vm vm) {
        String boot = vm.config.getOrDefault("boot", "");
        List<String> order = new ArrayList<>();
        String o = PropertyString.parse(boot, "legacy").get("order");
        if (o != null) {
            order.addAll(List.of(o.split(";")));
        }
        order.addAll(List.of("scsi0", "virtio0", "sata0", "ide0"));
        for (String key : order) {
            String v = vm.config.get(key);
            if (v != null && QemuConfig.isDrive(key) && !v.contains("media=cdrom")) {
                return QemuConfig.driveSize(v);
            }
        }
        return 0;
    }

    Object start(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            if (vm.template()) {
                throw PveException.failure("you can't start a vm if it's a template");
            }
            unlocked(vm, c);
            if (vm.running()) {
                throw PveException.failure("VM " + vm.vmid + " already running");
            }
            return tasks.submit(vm.node, "qmstart", Integer.toString(vm.vmid), c.user(), log -> {
                vm.status = "running";
                vm.startedAt = System.currentTimeMillis();
            }).toString();
        }
    }

    Object stop(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            return tasks.submit(vm.node, "qmstop", Integer.toString(vm.vmid), c.user(), log -> vm.status = "stopped").toString();
        }
    }

    Object shutdown(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            if (!vm.running()) {
                throw PveException.failure("VM " + vm.vmid + " not running");
            }
            return tasks.submit(vm.node, "qmshutdown", Integer.toString(vm.vmid), c.user(), log -> vm.status = "stopped").toString();
        }
    }

    Object reboot(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            if (!vm.running()) {
                throw PveException.failure("VM " + vm.vmid + " not running");
            }
            return tasks.submit(vm.node, "qmreboot", Integer.toString(vm.vmid), c.user(),
                    log -> vm.startedAt = System.currentTimeMillis()).toString();
        }
    }

    private static void unlocked(Vm vm, ApiCall c) {
        if (vm.lock != null && !c.flag("skiplock")) {
            throw PveException.failure("VM is locked (" + vm.lock + ")");
        }
    }

    /** {@code POST .../clone}: a linked clone of a template by default, a full copy otherwise. */
    Object clone(ApiCall c) {
        synchronized (cluster) {
            Vm source = cluster.vm(c.node(), c.vmid());
            int newid = Integer.parseInt(c.required("newid"));
            if (cluster.vms.containsKey(newid)) {
                throw PveException.failure("unable to create VM " + newid + " - VM " + newid + " already exists on node '"
                        + cluster.vms.get(newid).node + "'");
            }
            String target = c.optional("target").orElse(source.node);
            cluster.requireNode(target);
            boolean full = c.optional("full").map("1"::equals).orElse(!source.template());
            if (!full && !source.template()) {
                throw PveException.parameter("full", "linked clone is only possible from a template");
            }
            String storage = c.optional("storage").orElse(null);
            if (storage != null && !full) {
                throw PveException.parameter("storage", "only allowed for full clones");
            }
            if (storage != null) {
                cluster.storage(source.node, storage);
            }
            if (!target.equals(source.node)) {
                for (var e : source.config.entrySet()) {
                    if (QemuConfig.isDrive(e.getKey())) {
                        String file = PropertyString.parse(e.getValue(), "file").get("file");
                        String sid = storage != null ? storage : file.split(":", 2)[0];
                        Storage s = cluster.storages.get(sid);
                        if (s != null && !s.shared() && !e.getValue().contains("media=cdrom")) {
                            throw PveException.failure("Can't clone to non-shared storage '" + sid + "'");
                        }
                    }
                }
            }
            Cluster.Pool pool = c.optional("pool").map(cluster::pool).orElse(null);
            Vm clone = new Vm(newid, target, Map.of());
            for (var e : source.config.entrySet()) {
                String key = e.getKey();
                if (Set.of("template", "lock", "meta").contains(key) || key.startsWith("unused")) {
                    continue;
                }
                String value = e.getValue();
                if (QemuConfig.isDrive(key)) {
                    String copied = copyDrive(clone, value, storage, full, null);
                    if (!copied.equals(value)) {
                        driveVolume(source.node, value).ifPresent(from -> driveVolume(clone.node, copied)
                                .ifPresent(to -> cluster.copyContent(from, to)));
                    }
                    value = copied;
                } else if (QemuConfig.isNic(key)) {
                    value = value.replaceFirst("=([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}", "=" + cluster.randomMac());
                } else if (key.equals("smbios1")) {
                    value = "uuid=" + cluster.uuid();
                } else if (key.equals("vmgenid")) {
                    value = cluster.uuid();
                }
                clone.config.put(key, value);
            }
            clone.config.put("name", c.optional("name").orElse("Copy-of-VM-" + source.name()));
            c.optional("description").ifPresent(d -> clone.config.put("description", d));
            clone.config.put("meta", "creation-qemu=9.2.0,ctime=" + System.currentTimeMillis() / 1000);
            clone.lock = "clone";
            cluster.vms.put(newid, clone);
            if (pool != null) {
                pool.vms.add(newid);
            }
            return tasks.submit(source.node, "qmclone", Integer.toString(source.vmid), c.user(), log -> {
                log.add("create " + (full ? "full" : "linked") + " clone of drive(s) of VM " + source.vmid);
                clone.lock = null;
            }, () -> destroyNow(clone)).toString();
        }
    }

    /**
     * A drive of a clone or restore: its own disk copied to a new volume ({@code storage} or the
     * original's), a cloud-init drive made anew, a linked clone's disk on top of the template's base.
     */
    private String copyDrive(Vm vm, String value, String storage, boolean full, List<String> log) {
        Map<String, String> d = PropertyString.parse(value, "file");
        String file = d.get("file");
        if (file.equals("none") || file.equals("cdrom") || "cdrom".equals(d.get("media")) && !file.contains("cloudinit")) {
            return value;
        }
        String sid = file.split(":", 2)[0];
        if (file.contains("cloudinit")) {
            return QemuConfig.rewrite(cluster, vm, "ide2", sid + ":cloudinit,media=cdrom");
        }
        long size = QemuConfig.driveSize(value);
        String base = file.split(":", 2)[1];
        Volume v;
        if (full) {
            v = cluster.allocateDisk(vm.node, storage != null ? storage : sid, vm.vmid, size, "vm-");
        } else {
            Volume fresh = cluster.allocateDisk(vm.node, sid, vm.vmid, size, "vm-");
            cluster.removeVolume(vm.node, fresh.volid());
            v = fresh.renamed(base + "/" + fresh.name());
            cluster.addVolume(v);
        }
        if (log != null) {
            log.add("new volume ID is '" + v.volid() + "'");
        }
        d.put("file", v.volid());
        d.remove("format");
        return PropertyString.print(d, "file");
    }

    /**
     * {@code POST .../migrate}: the VM moves to {@code target} with its disks; local disks need
     * {@code with-local-disks}, a running VM needs {@code online}, as in PVE.
     */
    Object migrate(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            String target = c.required("target");
            cluster.requireNode(target);
            if (target.equals(vm.node)) {
                throw PveException.parameter("target", "target is local node.");
            }
            if (vm.running() && !c.flag("online")) {
                throw PveException.failure("can't migrate running VM without --online");
            }
            String targetStorage = c.optional("targetstorage").orElse(null);
            if (targetStorage != null) {
                cluster.storage(target, targetStorage);
            }
            List<Volume> local = cluster.volumes(vm.node, v -> v.vmid() == vm.vmid && v.content().equals("images")
                    && !cluster.storages.get(v.storage()).shared());
            if (!local.isEmpty() && !c.flag("with-local-disks")) {
                throw PveException.failure("can't migrate local disk '" + local.get(0).volid() + "': use --with-local-disks");
            }
            String source = vm.node;
            vm.lock = "migrate";
            return tasks.submit(source, "qmigrate", Integer.toString(vm.vmid), c.user(), log -> {
                log.add("starting migration of VM " + vm.vmid + " to node '" + target + "'");
                for (Volume v : local) {
                    String storage = targetStorage != null ? targetStorage : v.storage();
                    Volume moved = new Volume(target, storage, v.name(), v.vmid(), v.content(), v.format(), v.size(),
                            v.ctime(), v.backupConfig());
                    cluster.copyContent(v, moved);
                    cluster.removeVolume(source, v.volid());
                    cluster.addVolume(moved);
                    for (var e : new ArrayList<>(vm.config.entrySet())) {
                        if (QemuConfig.isDrive(e.getKey()) || e.getKey().startsWith("unused")) {
                            vm.config.put(e.getKey(), e.getValue().replace(v.volid(), moved.volid()));
                        }
                    }
                    log.add("volume '" + v.volid() + "' is '" + moved.volid() + "' on the target");
                }
                vm.node = target;
                vm.lock = null;
                log.add("migration finished successfully");
            }, () -> vm.lock = null).toString();
        }
    }

    /** {@code PUT .../resize}: {@code +<size>} grows by, {@code <size>} grows to; PVE never shrinks. */
    Object resize(ApiCall c) {
        synchronized (cluster) {
            Vm vm = writable(c);
            String disk = c.required("disk");
            String value = vm.config.get(disk);
            if (value == null || !QemuConfig.isDrive(disk)) {
                throw PveException.failure("disk '" + disk + "' does not exist");
            }
            String sizeText = c.required("size");
            boolean grow = sizeText.startsWith("+");
            long amount = PropertyString.parseSize(grow ? sizeText.substring(1) : sizeText);
            if (amount < 0) {
                throw PveException.parameter("size", "value does not match the regex pattern");
            }
            Map<String, String> d = PropertyString.parse(value, "file");
            String file = d.get("file");
            Volume volume = cluster.volume(vm.node, file)
                    .orElseThrow(() -> PveException.failure("volume '" + file + "' does not exist"));
            long current = volume.size();
            long wanted = grow ? current + amount : amount;
            if (wanted < current) {
                throw PveException.failure("shrinking disks is not supported");
            }
            return tasks.submit(vm.node, "resize", Integer.toString(vm.vmid), c.user(), log -> {
                cluster.forgetVolume(vm.node, file);
                cluster.addVolume(volume.withSize(wanted));
                Map<String, String> now = PropertyString.parse(vm.config.get(disk), "file");
                now.put("size", PropertyString.formatSize(wanted));
                vm.config.put(disk, PropertyString.print(now, "file"));
            }).toString();
        }
    }

    /** {@code DELETE .../{vmid}}: a stopped, unprotected VM goes with its disks. */
    Object destroy(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            if (vm.running()) {
                throw PveException.failure("VM " + vm.vmid + " is running - destroy failed");
            }
            if ("1".equals(vm.config.get("protection"))) {
                throw PveException.failure("can't remove VM " + vm.vmid + " - protection mode enabled");
            }
            vm.lock = "destroyed";
            return tasks.submit(vm.node, "qmdestroy", Integer.toString(vm.vmid), c.user(), log -> destroyNow(vm),
                    () -> vm.lock = null).toString();
        }
    }

    private void destroyNow(Vm vm) {
        cluster.destroy(vm);
    }

    /** {@code POST .../template}: the disks become read-only {@code base-} volumes. */
    Object template(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            unlocked(vm, c);
            if (vm.running()) {
                throw PveException.failure("you can't convert a running VM to a template");
            }
            vm.lock = "template";
            return tasks.submit(vm.node, "qmtemplate", Integer.toString(vm.vmid), c.user(), log -> {
                for (var e : new ArrayList<>(vm.config.entrySet())) {
                    if (!QemuConfig.isDrive(e.getKey())) {
                        continue;
                    }
                    Map<String, String> d = PropertyString.parse(e.getValue(), "file");
                    String file = d.get("file");
                    var volume = cluster.volume(vm.node, file);
                    if (volume.isEmpty() || !volume.get().name().contains("vm-" + vm.vmid + "-disk-")) {
                        continue;
                    }
                    Volume base = volume.get().renamed(volume.get().name().replace("vm-" + vm.vmid + "-disk-", "base-" + vm.vmid + "-disk-"));
                    cluster.copyContent(volume.get(), base);
                    cluster.removeVolume(vm.node, file);
                    cluster.addVolume(base);
                    d.put("file", base.volid());
                    vm.config.put(e.getKey(), PropertyString.print(d, "file"));
                }
                vm.config.put("template", "1");
                vm.lock = null;
            }, () -> vm.lock = null).toString();
        }
    }

    /** {@code PUT .../cloudinit}: regenerates the cloud-init drive; nothing to do in a simulator. */
    Object regenerateCloudInit(ApiCall c) {
        synchronized (cluster) {
            cluster.vm(c.node(), c.vmid());
            return null;
        }
    }

    /**
     * {@code GET .../agent/network-get-interfaces}: a guest agent that reports the NICs of the config
     * with the static address cloud-init was given ({@code ipconfigN}), or none for DHCP.
     */
    Object agentInterfaces(ApiCall c) {
        synchronized (cluster) {
            Vm vm = cluster.vm(c.node(), c.vmid());
            if (!agentEnabled(vm)) {
                throw PveException.failure("No QEMU guest agent configured");
            }
            if (!vm.running()) {
                throw PveException.failure("VM " + vm.vmid + " is not running");
            }
            List<Map<String, Object>> nics = new ArrayList<>();
            nics.add(Map.of("name", "lo", "hardware-address", "00:00:00:00:00:00", "ip-addresses",
                    List.of(Map.of("ip-address", "127.0.0.1", "ip-address-type", "ipv4", "prefix", 8))));
            for (int i = 0; i < 32; i++) {
                String net = vm.config.get("net" + i);
                if (net == null) {
                    continue;
                }
                String mac = net.replaceFirst("^[^=]+=([^,]+).*$", "$1").toLowerCase(java.util.Locale.ROOT);
                List<Map<String, Object>> addresses = new ArrayList<>();
                String ipconfig = vm.config.get("ipconfig" + i);
                if (ipconfig != null) {
                    String ip = PropertyString.parse(ipconfig, null).get("ip");
                    if (ip != null && ip.contains("/")) {
                        String[] parts = ip.split("/");
                        addresses.add(Map.of("ip-address", parts[0], "ip-address-type", "ipv4", "prefix", Integer.parseInt(parts[1])));
                    }
                }
                nics.add(Map.of("name", "eth" + i, "hardware-address", mac, "ip-addresses", addresses));
            }
            return Map.of("result", nics);
        }
    }

    /** The VM's guest agent, which must be enabled and the VM running, as PVE asks of it. */
    private static Vm agentOf(Cluster cluster, ApiCall c) {
        Vm vm = cluster.vm(c.node(), c.vmid());
        if (!agentEnabled(vm)) {
            throw PveException.failure("No QEMU guest agent configured");
        }
        if (!vm.running()) {
            throw PveException.failure("VM " + vm.vmid + " is not running");
        }
        return vm;
    }

    /**
     * {@code POST .../agent/file-write}: the guest agent writes {@code content} to {@code file} in the
     * guest. With {@code encode} (the default) the content is plain and PVE base64-encodes it for
     * QEMU; without it, the caller sent base64 already.
     */
    Object agentFileWrite(ApiCall c) {
        synchronized (cluster) {
            Vm vm = agentOf(cluster, c);
            String content = c.required("content");
            if (!c.optional("encode").map("1"::equals).orElse(true)) {
                try {
                    content = new String(java.util.Base64.getDecoder().decode(content), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw PveException.failure("guest-file-write failed: content is not base64");
                }
            }
            Volume disk = cluster.firstDisk(vm)
                    .orElseThrow(() -> PveException.failure("guest-file-write failed: the guest has no disk to write to"));
            Map<String, String> files = cluster.diskFiles(disk);
            files.put(c.required("file"), content);
            cluster.writeDiskFiles(disk, files);
            return null;
        }
    }

    /** {@code GET .../agent/file-read}: what the guest agent finds at {@code file}, or PVE's failure. */
    Object agentFileRead(ApiCall c) {
        synchronized (cluster) {
            Vm vm = agentOf(cluster, c);
            String content = cluster.firstDisk(vm).map(d -> cluster.diskFiles(d).get(c.required("file"))).orElse(null);
            if (content == null) {
                throw PveException.failure("guest-file-open failed: No such file or directory");
            }
            return Map.of("content", content);
        }
    }

    /** The volume a drive value ({@code local-lvm:vm-100-disk-0,size=3G}) names on {@code node}, if it is one. */
    Optional<Volume> driveVolume(String node, String value) {
        String file = PropertyString.parse(value, "file").get("file");
        return file == null || !file.contains(":") ? Optional.empty() : cluster.volume(node, file);
    }

    static Map<String, String> parseConfigText(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 2).replace("%0A", "\n"));
            }
        }
        return out;
    }

    static String configText(Map<String, String> config) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(config).forEach((k, v) -> out.append(k).append(": ").append(v.replace("\n", "%0A")).append('\n'));
        return out.toString();
    }
}
