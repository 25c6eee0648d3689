package dev.baozi.harness.proxmox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VM's configuration options as PVE's {@code qemu-server} declares, stores and answers them: which
 * options exist and their types, how drive and NIC values are rewritten when written (new disks
 * allocated, sizes printed as PVE prints them, MAC addresses generated), and the typed JSON that
 * {@code GET .../config} returns.
 */
final class QemuConfig {

    private QemuConfig() {}

    /** Every VM option of {@code PUT /nodes/{node}/qemu/{vmid}/config}, typed as PVE's schema types them. */
    static final List<Param> OPTIONS = Param.parse("""
            acpi:boolean affinity agent allow-ksm:boolean amd-sev arch args audio0 autostart:boolean
            balloon:integer bios boot bootdisk cdrom cicustom cipassword citype ciupgrade:boolean ciuser
            cores:integer cpu cpulimit:number cpuunits:integer description efidisk0 freeze:boolean
            hookscript hostpci[n] hotplug hugepages ide[n] intel-tdx ipconfig[n] ivshmem keephugepages:boolean
            keyboard kvm:boolean localtime:boolean lock machine memory migrate_downtime:number
            migrate_speed:integer name nameserver net[n] numa:boolean numa[n] onboot:boolean ostype
            parallel[n] protection:boolean reboot:boolean rng0 sata[n] scsi[n] scsihw searchdomain
            serial[n] shares:integer smbios1 smp:integer sockets:integer spice_enhancements sshkeys
            startdate startup tablet:boolean tags tdf:boolean template:boolean tpmstate0 unused[n]
            usb[n] vcpus:integer vga virtio[n] virtiofs[n] vmgenid vmstatestorage watchdog
            """);

    private static final Pattern DRIVE_KEY = Pattern.compile("(ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0");
    private static final Pattern NET_KEY = Pattern.compile("net\\d+");
    private static final Pattern NEW_DISK = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):(\\d+(?:\\.\\d+)?)");
    private static final Pattern CLOUDINIT = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):cloudinit");
    private static final Pattern VOLID = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):(.+)");
    static final Set<String> NIC_MODELS = Set.of("e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",
            "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3");

    static boolean isDrive(String key) {
        return DRIVE_KEY.matcher(key).matches();
    }

    static boolean isNic(String key) {
        return NET_KEY.matcher(key).matches();
    }

    /**
     * Writes {@code params} (already type-checked) into {@code vm}'s config the way PVE does: first the
     * {@code delete} list (options not set are ignored; a removed disk of the VM is kept as
     * {@code unusedN}, a removed cloud-init drive is freed), then each option, drives and NICs rewritten.
     */
    static void apply(Cluster cluster, Vm vm, Map<String, String> params, String delete) {
        Map<String, String> errors = new TreeMap<>();
        for (String key : split(delete)) {
            if (params.containsKey(key)) {
                errors.put("delete", "you can't use '-" + key + "' and '-delete " + key + "' at the same time");
            } else if (Param.find(OPTIONS, key).isEmpty()) {
                errors.put("delete", "invalid format - invalid configuration ID '" + key + "'");
            }
        }
        Map<String, String> rewritten = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            try {
                rewritten.put(e.getKey(), rewrite(cluster, vm, e.getKey(), e.getValue()));
            } catch (IllegalArgumentException bad) {
                errors.put(e.getKey(), bad.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw PveException.parameters(errors);
        }
        for (String key : split(delete)) {
            String old = vm.config.remove(key);
            if (old != null) {
                detach(cluster, vm, key, old);
            }
        }
        for (var e : rewritten.entrySet()) {
            String old = vm.config.put(e.getKey(), e.getValue());
            if (old != null && isDrive(e.getKey())) {
                String oldFile = PropertyString.parse(old, "file").get("file");
                String newFile = PropertyString.parse(e.getValue(), "file").get("file");
                if (!oldFile.equals(newFile)) {
                    detach(cluster, vm, e.getKey(), old);
                }
            }
        }
    }

    static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String s : list.split("[,;\\s\\x00]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** What PVE does with a drive taken out of the config: its own disk becomes {@code unusedN}, cloud-init is freed. */
    private static void detach(Cluster cluster, Vm vm, String key, String value) {
        if (key.startsWith("unused")) {
            cluster.removeVolume(vm.node, value);
            return;
        }
        if (!isDrive(key)) {
            return;
        }
        String file = PropertyString.parse(value, "file").get("file");
        var volume = cluster.volume(vm.node, file);
        if (volume.isEmpty() || volume.get().vmid() != vm.vmid) {
            return;
        }
        if (volume.get().name().contains("cloudinit")) {
            cluster.removeVolume(vm.node, file);
            return;
        }
        boolean stillUsed = vm.config.entrySet().stream()
                .anyMatch(e -> (isDrive(e.getKey()) && file.equals(PropertyString.parse(e.getValue(), "file").get("file")))
                        || (e.getKey().startsWith("unused") && e.getValue().equals(file)));
        if (stillUsed) {
            return;
        }
        int n = 0;
        while (vm.config.containsKey("unused" + n)) {
            n++;
        }
        vm.config.put("unused" + n, file);
    }

    /** One option's value as PVE stores it. */
    static String rewrite(Cluster cluster, Vm vm, String key, String value) {
        if (isDrive(key)) {
            return drive(cluster, vm, key, value);
        }
        if (isNic(key)) {
            return nic(cluster, value);
        }
        if (key.equals("sshkeys")) {
            String keys = java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
            for (String line : keys.split("\n")) {
                String l = line.trim();
                if (!l.isEmpty() && !l.startsWith("#") && !l.matches("(\\S+ )?(ssh|ecdsa|sk-)\\S* [A-Za-z0-9+/=]+( .*)?")) {
                    throw new IllegalArgumentException("invalid urlencoded string: " + line);
                }
            }
        }
        return value;
    }

    private static String drive(Cluster cluster, Vm vm, String key, String value) {
        Map<String, String> d;
        try {
            d = PropertyString.parse(value, "file");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid format - " + e.getMessage());
        }
        String file = d.get("file");
        if (file == null) {
            throw new IllegalArgumentException("invalid format - format error\n" + key + ".file: property is missing and it is not optional");
        }
        if (file.equals("none") || file.equals("cdrom") || file.startsWith("/")) {
            return PropertyString.print(d, "file");
        }
        Matcher fresh = NEW_DISK.matcher(file);
        Matcher cloudinit = CLOUDINIT.matcher(file);
        String importFrom = d.remove("import-from");
        if (fresh.matches()) {
            long size = switch (key) {
                case "efidisk0" -> 4L << 20;
                case "tpmstate0" -> 4L << 20;
                default -> (long) Math.ceil(Double.parseDouble(fresh.group(2)) * (1L << 30));
            };
            if (importFrom != null) {
                Volume source = cluster.volume(vm.node, importFrom)
                        .orElseThrow(() -> new IllegalArgumentException("import-from: volume '" + importFrom + "' does not exist"));
                size = source.size();
            }
            Volume v = cluster.allocateDisk(vm.node, fresh.group(1), vm.vmid, size, "vm-");
            d.put("file", v.volid());
            d.remove("format");
            d.put("size", PropertyString.formatSize(size));
            return PropertyString.print(d, "file");
        }
        if (cloudinit.matches()) {
            Storage s = cluster.storage(vm.node, cloudinit.group(1));
            String name = (s.type().equals("dir") ? vm.vmid + "/" : "") + "vm-" + vm.vmid + "-cloudinit"
                    + (s.imageFormat().equals("qcow2") ? ".qcow2" : "");
            if (cluster.volume(vm.node, s.id() + ":" + name).isEmpty()) {
                cluster.addVolume(new Volume(vm.node, s.id(), name, vm.vmid, "images", s.imageFormat(), 4L << 20,
                        System.currentTimeMillis() / 1000, null));
            }
            d.put("file", s.id() + ":" + name);
            d.put("media", "cdrom");
            d.remove("size");
            return PropertyString.print(d, "file");
        }
        Matcher volid = VOLID.matcher(file);
        if (!volid.matches()) {
            throw new IllegalArgumentException("invalid format - unable to parse volume ID '" + file + "'");
        }
        if (!cluster.storages.containsKey(volid.group(1))) {
            throw PveException.failure("storage '" + volid.group(1) + "' does not exist");
        }
        Volume existing = cluster.volume(vm.node, file)
                .orElseThrow(() -> PveException.failure("volume '" + file + "' does not exist"));
        if (d.containsKey("size")) {
            long size = PropertyString.parseSize(d.get("size"));
            if (size < 0) {
                throw new IllegalArgumentException("invalid format - value '" + d.get("size") + "' does not match the regex pattern");
            }
            d.put("size", PropertyString.formatSize(size));
        } else if (!"cdrom".equals(d.get("media")) && existing.content().equals("images")) {
            d.put("size", PropertyString.formatSize(existing.size()));
        }
        return PropertyString.print(d, "file");
    }

    /** A NIC as PVE prints it: {@code model=MAC} first (a MAC made up when none is given), then the rest sorted. */
    private static String nic(Cluster cluster, String value) {
        Map<String, String> rest = new TreeMap<>();
        String model = null;
        String mac = null;
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq);
            String v = eq < 0 ? null : p.substring(eq + 1);
            if (NIC_MODELS.contains(k)) {
                model = k;
                mac = v;
            } else if (k.equals("model")) {
                model = v;
            } else if (k.equals("macaddr")) {
                mac = v;
            } else if (v == null) {
                throw new IllegalArgumentException("invalid format - value without key, but schema does not define a default key");
            } else {
                rest.put(k, v);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("invalid format - format error\nmodel: property is missing and it is not optional");
        }
        if (!NIC_MODELS.contains(model)) {
            throw new IllegalArgumentException("invalid format - format error\nmodel: value '" + model
                    + "' does not have a value in the enumeration '" + String.join(", ", new java.util.TreeSet<>(NIC_MODELS)) + "'");
        }
        if (mac == null || mac.isEmpty()) {
            mac = cluster.randomMac();
        } else if (!mac.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw new IllegalArgumentException("invalid format - format error\nmacaddr: value does not match the regex pattern");
        }
        StringBuilder out = new StringBuilder(model).append('=').append(mac.toUpperCase(java.util.Locale.ROOT));
        rest.forEach((k, v) -> out.append(',').append(k).append('=').append(v));
        return out.toString();
    }

    /** The config as {@code GET .../config} answers: options typed by the schema, plus the digest. */
    static Map<String, Object> json(Map<String, String> config) {
        Map<String, Object> out = new TreeMap<>();
        for (var e : config.entrySet()) {
            out.put(e.getKey(), typed(e.getKey(), e.getValue()));
        }
        out.put("digest", digest(config));
        return out;
    }

    static Object typed(String key, String value) {
        var param = Param.find(OPTIONS, key);
        if (param.isEmpty()) {
            return value;
        }
        try {
            return switch (param.get().type()) {
                case INTEGER, BOOLEAN -> Long.parseLong(value);
                case NUMBER -> value.contains(".") ? (Object) Double.parseDouble(value) : (Object) Long.parseLong(value);
                case STRING -> value;
            };
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** SHA-1 of the config file's text, as PVE's {@code digest}. */
    static String digest(Map<String, String> config) {
        StringBuilder file = new StringBuilder();
        new TreeMap<>(config).forEach((k, v) -> file.append(k).append(": ").append(v).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(file.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** The size in bytes of a drive's value ({@code size=8G}), 0 when none is given. */
    static long driveSize(String value) {
        String size = PropertyString.parse(value, "file").get("size");
        return size == null ? 0 : Math.max(0, PropertyString.parseSize(size));
    }
}
