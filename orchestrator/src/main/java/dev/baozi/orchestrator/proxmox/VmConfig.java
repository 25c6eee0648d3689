package dev.baozi.orchestrator.proxmox;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A VM's configuration from {@code GET /nodes/{node}/qemu/{vmid}/config}: every key as PVE sent
 * it (values as text), with typed getters for what Baozi reads.
 */
public record VmConfig(Map<String, String> values) {

    public VmConfig {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> name() {
        return get("name");
    }

    /** Cores per socket (PVE's default when unset is 1). */
    public OptionalInt cores() {
        return get("cores").map(v -> OptionalInt.of(Integer.parseInt(v.strip()))).orElse(OptionalInt.empty());
    }

    /** Memory in MiB; PVE 8 may write it as {@code current=2048}. */
    public OptionalLong memory() {
        return get("memory").map(VmConfig::memoryMiB).orElse(OptionalLong.empty());
    }

    /** The first network device, {@code net0}. */
    public Optional<NetDevice> net0() {
        return net(0);
    }

    /** Network device {@code net<index>}. */
    public Optional<NetDevice> net(int index) {
        return get("net" + index).map(NetDevice::parse);
    }

    /** The config's digest: PVE refuses a change sent with an older one. */
    public Optional<String> digest() {
        return get("digest");
    }

    private static OptionalLong memoryMiB(String raw) {
        for (String part : raw.split(",")) {
            String p = part.strip();
            if (p.startsWith("current=")) {
                return OptionalLong.of(Long.parseLong(p.substring("current=".length())));
            }
            if (!p.contains("=")) {
                return OptionalLong.of(Long.parseLong(p));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * A {@code netN} value such as {@code virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,tag=20,firewall=1}:
     * the NIC model, its MAC, the bridge, the VLAN tag, and every option as given.
     */
    public record NetDevice(String model, String mac, String bridge, OptionalInt tag, Map<String, String> options) {

        private static final java.util.Set<String> MODELS = java.util.Set.of("virtio", "e1000", "e1000e", "rtl8139",
                "vmxnet3", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "e1000-82540em",
                "e1000-82544gc", "e1000-82545em");

        public NetDevice {
            options = Map.copyOf(options);
        }

        public static NetDevice parse(String raw) {
            var options = new TreeMap<String, String>();
            String model = null;
            String mac = null;
            for (String part : raw.split(",")) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? part.strip() : part.substring(0, eq).strip();
                String value = eq < 0 ? "" : part.substring(eq + 1).strip();
                if (key.isEmpty()) {
                    continue;
                }
                options.put(key, value);
                if (MODELS.contains(key)) {
                    model = key;
                    mac = value.isEmpty() ? null : value;
                } else if (key.equals("model")) {
                    model = value;
                } else if (key.equals("macaddr")) {
                    mac = value;
                }
            }
            String tag = options.get("tag");
            return new NetDevice(model, mac, options.get("bridge"),
                    tag == null || tag.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(tag)), options);
        }
    }
}
