package dev.baozi.harness.proxmox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The simulated cluster's state: nodes, storages, volumes and VMs. Every read and change holds this
 * object's monitor, so an HTTP handler and a task ending never interleave.
 */
final class Cluster {

    /** The MAC prefix PVE gives new NICs (Proxmox's OUI). */
    static final String MAC_PREFIX = "BC:24:11";

    final List<String> nodes;
    final Map<String, Storage> storages = new LinkedHashMap<>();
    /** Volumes by node, then volume id. A shared storage's volumes are kept under every node that sees them. */
    final Map<String, Map<String, Volume>> volumes = new LinkedHashMap<>();
    final Map<Integer, Vm> vms = new TreeMap<>();
    /** Resource pools: pool id to its comment and member VM ids and storages. */
    final Map<String, Pool> pools = new TreeMap<>();
    /** Node memory in bytes and CPU count, as {@code /nodes/{node}/status} reports them; tests may change them. */
    final Map<String, NodeCapacity> capacity = new LinkedHashMap<>();
    /** Bytes of a storage taken by something other than volumes (per node, or under "" for a shared storage): tests shrink free space with it. */
    final Map<String, Long> reserved = new LinkedHashMap<>();
    /** The Linux bridges each node has ({@code vmbr0}, {@code vmbr1} by default). */
    final Map<String, java.util.Set<String>> bridges = new LinkedHashMap<>();
    /** Where volumes keep their content; set by the simulator before the cluster is used. */
    Disks disks;
    private final SecureRandom random = new SecureRandom();

    /** A node's memory (bytes) and CPU count. */
    record NodeCapacity(long memory, int cpus) {}

    static final long NODE_MEMORY = 64L << 30;
    static final int NODE_CPUS = 16;

    Cluster(List<String> nodes, List<Storage> storages) {
        this.nodes = List.copyOf(nodes);
        for (Storage s : storages) {
            this.storages.put(s.id(), s);
        }
        for (String n : nodes) {
            volumes.put(n, new TreeMap<>());
            capacity.put(n, new NodeCapacity(NODE_MEMORY, NODE_CPUS));
            bridges.put(n, new java.util.TreeSet<>(List.of("vmbr0", "vmbr1")));
        }
    }

    /** Adds the backup storage shared with other simulators ({@code shared-backup}, NFS, backups only) unless it is there. */
    void addSharedBackupStorage() {
        storages.putIfAbsent(Disks.SHARED_BACKUP, new Storage(Disks.SHARED_BACKUP, "nfs", List.of("backup"), true, 2L << 40));
    }

    /** Whether a storage's volumes are files in the directory shared with other simulators rather than this cluster's memory. */
    private boolean external(String storage) {
        return storage.equals(Disks.SHARED_BACKUP) && disks != null && disks.hasSharedBackups();
    }

    boolean shared(String storage) {
        Storage s = storages.get(storage);
        return s != null && s.shared();
    }

    /** The nodes and storages PVE would show on a fresh two-node install, with a cloud-init template. */
    static Cluster standard(List<String> nodes) {
        Cluster c = new Cluster(nodes, List.of(
                new Storage("local", "dir", List.of("backup", "iso", "vztmpl"), false, 100L << 30),
                new Storage("local-lvm", "lvmthin", List.of("images", "rootdir"), false, 500L << 30)));
        String first = nodes.get(0);
        long now = System.currentTimeMillis() / 1000;
        for (String n : nodes) {
            c.addVolume(new Volume(n, "local", "iso/debian-12.7.0-amd64-netinst.iso", 0, "iso", "iso", 661651456L, now, null));
        }
        c.addVolume(new Volume(first, "local-lvm", "base-9000-disk-0", 9000, "images", "raw", 3L << 30, now, null));
        c.addVolume(new Volume(first, "local-lvm", "vm-9000-cloudinit", 9000, "images", "raw", 4L << 20, now, null));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("agent", "1");
        config.put("boot", "order=scsi0");
        config.put("cores", "1");
        config.put("description", "Debian 12 generic cloud image with cloud-init");
        config.put("ide2", "local-lvm:vm-9000-cloudinit,media=cdrom");
        config.put("memory", "1024");
        config.put("meta", "creation-qemu=9.2.0,ctime=" + now);
        config.put("name", "debian-12-cloud");
        config.put("net0", "virtio=" + MAC_PREFIX + ":90:00:00,bridge=vmbr0");
        config.put("ostype", "l26");
        config.put("scsi0", "local-lvm:base-9000-disk-0,size=3G");
        config.put("scsihw", "virtio-scsi-pci");
        config.put("serial0", "socket");
        config.put("smbios1", "uuid=" + c.uuid());
        config.put("template", "1");
        config.put("vga", "serial0");
        config.put("vmgenid", c.uuid());
        c.vms.put(9000, new Vm(9000, first, config));
        return c;
    }

    /** A resource pool: a comment and the VMs and storages in it. */
    static final class Pool {
        String comment;
        final java.util.Set<Integer> vms = new java.util.TreeSet<>();
        final java.util.Set<String> storages = new java.util.TreeSet<>();

        Pool(String comment) {
            this.comment = comment;
        }
    }

    Pool pool(String id) {
        Pool p = pools.get(id);
        if (p == null) {
            throw PveException.failure("pool '" + id + "' does not exist");
        }
        return p;
    }

    Vm vm(String node, int vmid) {
        Vm vm = vms.get(vmid);
        if (vm == null || !vm.node.equals(node)) {
            throw PveException.noVm(node, vmid);
        }
        return vm;
    }

    void requireNode(String node) {
        if (!nodes.contains(node)) {
            throw PveException.failure("hostname lookup '" + node + "' failed - failed to get address info for: " + node
                    + ": Name or service not known");
        }
    }

    Storage storage(String node, String id) {
        requireNode(node);
        Storage s = storages.get(id);
        if (s == null) {
            throw PveException.failure("storage '" + id + "' does not exist");
        }
        return s;
    }

    void addVolume(Volume v) {
        if (external(v.storage())) {
            return; // its archive file is the volume
        }
        Storage s = storages.get(v.storage());
        for (String n : nodes) {
            if (n.equals(v.node()) || s.shared()) {
                volumes.get(n).put(v.volid(), v);
            }
        }
    }

    /** Removes a volume and its content (the file of a disk, or the archive of a backup). */
    void removeVolume(String node, String volid) {
        Optional<Volume> found = volume(node, volid);
        if (found.isEmpty()) {
            return;
        }
        Volume v = found.get();
        boolean shared = shared(v.storage());
        if (!external(v.storage())) {
            for (String n : nodes) {
                if (n.equals(node) || shared) {
                    volumes.get(n).remove(volid);
                }
            }
        }
        if (disks != null) {
            disks.delete(v, shared);
        }
    }

    /** Forgets a volume without touching its file (a volume moving to another node or name takes its file along). */
    void forgetVolume(String node, String volid) {
        Volume v = volumes.get(node).get(volid);
        if (v == null) {
            return;
        }
        boolean shared = shared(v.storage());
        for (String n : nodes) {
            if (n.equals(node) || shared) {
                volumes.get(n).remove(volid);
            }
        }
    }

    Optional<Volume> volume(String node, String volid) {
        if (external(volid.split(":", 2)[0])) {
            return disks.sharedArchives(node).stream().filter(v -> v.volid().equals(volid)).findFirst();
        }
        return Optional.ofNullable(volumes.get(node).get(volid));
    }

    List<Volume> volumes(String node, Predicate<Volume> which) {
        List<Volume> out = new ArrayList<>(volumes.get(node).values().stream().filter(which).toList());
        if (disks != null) {
            disks.sharedArchives(node).stream().filter(which).forEach(out::add);
        }
        return out;
    }

    long used(String node, String storage) {
        long reservedBytes = reserved.getOrDefault(reserveKey(node, storage), 0L);
        return reservedBytes + volumes(node, v -> v.storage().equals(storage)).stream().mapToLong(Volume::size).sum();
    }

    String reserveKey(String node, String storage) {
        return (shared(storage) ? "" : node) + "|" + storage;
    }

    /** The guest's files on a disk volume. */
    Map<String, String> diskFiles(Volume disk) {
        return disks.files(disk, shared(disk.storage()));
    }

    void writeDiskFiles(Volume disk, Map<String, String> files) {
        disks.writeFiles(disk, shared(disk.storage()), files);
    }

    /** A new volume holds what {@code from} holds. */
    void copyContent(Volume from, Volume to) {
        disks.copy(from, shared(from.storage()), to, shared(to.storage()));
    }

    /**
     * The volume of a VM's first disk (in boot order, then scsi0, virtio0, sata0, ide0; never a
     * CD-ROM or cloud-init drive): where the guest's files are.
     */
    Optional<Volume> firstDisk(Vm vm) {
        List<String> order = new ArrayList<>();
        String o = PropertyString.parse(vm.config.getOrDefault("boot", ""), "legacy").get("order");
        if (o != null) {
            order.addAll(List.of(o.split(";")));
        }
        order.addAll(List.of("scsi0", "virtio0", "sata0", "ide0"));
        vm.config.keySet().stream().filter(QemuConfig::isDrive).sorted().forEach(order::add);
        for (String key : order) {
            String value = vm.config.get(key);
            if (value == null || !QemuConfig.isDrive(key) || value.contains("media=cdrom") || value.contains("cloudinit")) {
                continue;
            }
            String file = PropertyString.parse(value, "file").get("file");
            Optional<Volume> v = volume(vm.node, file);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** A new disk image for {@code vmid}: {@code vm-<vmid>-disk-<n>} with the lowest free n. */
    Volume allocateDisk(String node, String storage, int vmid, long size, String prefix) {
        Storage s = storage(node, storage);
        if (!s.holds("images")) {
            throw PveException.failure("storage '" + storage + "' does not support vm images");
        }
        int n = 0;
        while (volumes.get(node).containsKey(storage + ":vm-" + vmid + "-disk-" + n)
                || volumes.get(node).containsKey(storage + ":base-" + vmid + "-disk-" + n)) {
            n++;
        }
        String format = s.imageFormat();
        String name = prefix + vmid + "-disk-" + n + (format.equals("qcow2") ? ".qcow2" : "");
        if (s.type().equals("dir")) {
            name = vmid + "/" + name;
        }
        Volume v = new Volume(node, storage, name, vmid, "images", format, size, System.currentTimeMillis() / 1000, null);
        addVolume(v);
        return v;
    }

    /** Removes a VM, its pool memberships and every image volume it owns on its node, with their content. */
    void destroy(Vm vm) {
        vms.remove(vm.vmid, vm);
        pools.values().forEach(p -> p.vms.remove(vm.vmid));
        for (Volume v : volumes(vm.node, v -> v.vmid() == vm.vmid && v.content().equals("images"))) {
            removeVolume(vm.node, v.volid());
        }
    }

    /** The lowest free VM id from 100, as {@code /cluster/nextid} answers. */
    int nextId() {
        int id = 100;
        while (vms.containsKey(id)) {
            id++;
        }
        return id;
    }

    String randomMac() {
        byte[] b = new byte[3];
        random.nextBytes(b);
        return MAC_PREFIX + ":" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }

    String uuid() {
        return java.util.UUID.randomUUID().toString();
    }
}
