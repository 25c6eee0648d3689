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
    private final SecureRandom random = new SecureRandom();

    Cluster(List<String> nodes, List<Storage> storages) {
        this.nodes = List.copyOf(nodes);
        for (Storage s : storages) {
            this.storages.put(s.id(), s);
        }
        for (String n : nodes) {
            volumes.put(n, new TreeMap<>());
        }
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
        Storage s = storages.get(v.storage());
        for (String n : nodes) {
            if (n.equals(v.node()) || s.shared()) {
                volumes.get(n).put(v.volid(), v);
            }
        }
    }

    void removeVolume(String node, String volid) {
        Volume v = volumes.get(node).get(volid);
        if (v == null) {
            return;
        }
        boolean shared = storages.get(v.storage()).shared();
        for (String n : nodes) {
            if (n.equals(node) || shared) {
                volumes.get(n).remove(volid);
            }
        }
    }

    Optional<Volume> volume(String node, String volid) {
        return Optional.ofNullable(volumes.get(node).get(volid));
    }

    List<Volume> volumes(String node, Predicate<Volume> which) {
        return new ArrayList<>(volumes.get(node).values().stream().filter(which).toList());
    }

    long used(String node, String storage) {
        return volumes.get(node).values().stream().filter(v -> v.storage().equals(storage)).mapToLong(Volume::size).sum();
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
