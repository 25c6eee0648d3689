package dev.baozi.harness.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * OpenTofu states of a chosen size, shaped like the ones Baozi's workspaces produce (version 4,
 * serial, lineage, outputs, Proxmox VMs, NetBox addresses and DNS records, indented like tofu
 * writes them). A fixture holds a few variants that differ in some attribute values; each copy
 * handed out gets a new serial written into a fixed-width slot, so every write is a new state.
 */
final class StateFixture {

    /** Width of the serial slot: digits, then spaces (JSON whitespace) up to this many bytes. */
    private static final int SERIAL_WIDTH = 12;
    private static final byte[] SERIAL_KEY = "\"serial\": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ESCAPED_SERIAL_KEY = "\\\"serial\\\": ".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final String lineage;
    private final List<byte[]> variants;
    private final List<byte[]> kvBodies;
    private final int[] serialAt;
    private final int[] kvSerialAt;

    private StateFixture(String label, String lineage, List<byte[]> variants, boolean withKvBodies) {
        this.label = label;
        this.lineage = lineage;
        this.variants = variants;
        this.kvBodies = new ArrayList<>();
        this.serialAt = new int[variants.size()];
        this.kvSerialAt = new int[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            serialAt[v] = find(variants.get(v), SERIAL_KEY) + SERIAL_KEY.length;
            if (!withKvBodies) {
                continue;
            }
            byte[] body = kvBody(variants.get(v));
            kvBodies.add(body);
            kvSerialAt[v] = find(body, ESCAPED_SERIAL_KEY) + ESCAPED_SERIAL_KEY.length;
        }
    }

    /**
     * A fixture of {@code variantCount} states of about {@code targetBytes} each; with
     * {@code withKvBodies}, each also encoded as a KV v2 write body for {@link #kvWriteBody}.
     */
    static StateFixture ofSize(String label, int targetBytes, int variantCount, long seed, boolean withKvBodies) {
        String lineage = new UUID(seed, ~seed).toString();
        // Size one resource group from a small sample, then aim; one correction pass if still short.
        int perGroup = Math.max(1, render(lineage, 40, 0, seed).length / 40);
        int groups = Math.max(1, targetBytes / perGroup);
        byte[] first = render(lineage, groups, 0, seed);
        if (first.length < targetBytes * 0.97) {
            groups = (int) Math.ceil(groups * (double) targetBytes / first.length);
            first = render(lineage, groups, 0, seed);
        }
        List<byte[]> variants = new ArrayList<>();
        variants.add(first);
        for (int v = 1; v < variantCount; v++) {
            variants.add(render(lineage, groups, v, seed));
        }
        return new StateFixture(label, lineage, variants, withKvBodies);
    }

    String label() {
        return label;
    }

    String lineage() {
        return lineage;
    }

    int size() {
        return variants.getFirst().length;
    }

    int variantCount() {
        return variants.size();
    }

    /** A fresh copy of variant {@code v} with serial {@code serial}: the body of a state POST. */
    byte[] state(int v, long serial) {
        byte[] copy = variants.get(v % variants.size()).clone();
        writeSerial(copy, serialAt[v % variants.size()], serial);
        return copy;
    }

    /**
     * The same state as {@link #state}, already encoded as a KV v2 write body
     * {@code {"data":{"state":"<the state as one JSON string>"}}}.
     */
    byte[] kvWriteBody(int v, long serial) {
        byte[] copy = kvBodies.get(v % variants.size()).clone();
        writeSerial(copy, kvSerialAt[v % variants.size()], serial);
        return copy;
    }

    /** The gzip ratio of variant 0 (content bytes per compressed byte), for the report. */
    double gzipRatio() {
        var out = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(variants.getFirst());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (double) variants.getFirst().length / out.size();
    }

    private static byte[] kvBody(byte[] state) {
        var body = JSON.createObjectNode();
        body.putObject("data").put("state", new String(state, StandardCharsets.UTF_8));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSerial(byte[] target, int at, long serial) {
        byte[] digits = Long.toString(serial).getBytes(StandardCharsets.US_ASCII);
        if (digits.length > SERIAL_WIDTH) {
            throw new IllegalArgumentException("serial " + serial + " does not fit the fixture's serial slot");
        }
        for (int i = 0; i < SERIAL_WIDTH; i++) {
            target[at + i] = i < digits.length ? digits[i] : (byte) ' ';
        }
    }

    private static int find(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= Math.min(haystack.length - needle.length, 4096); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("the fixture has no serial slot near its start");
    }

    /**
     * Renders one state: {@code groups} times a VM, its IP address and its DNS records. Values come
     * from a seeded random per group; in variant {@code variant} every fifth group changes the
     * values an apply would change (timestamps, addresses, revision counters, disk sizes).
     */
    private static byte[] render(String lineage, int groups, int variant, long seed) {
        var out = new ByteArrayOutputStream(Math.max(1024, groups * 2600));
        var printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setPrettyPrinter(printer);
            g.writeStartObject();
            g.writeNumberField("version", 4);
            g.writeStringField("terraform_version", "1.12.6");
            g.writeFieldName("serial");
            g.writeRawValue("1" + " ".repeat(SERIAL_WIDTH - 1));
            g.writeStringField("lineage", lineage);
            g.writeObjectFieldStart("outputs");
            g.writeObjectFieldStart("app_url");
            g.writeStringField("value", "https://app-" + variant + ".example.coop");
            g.writeStringField("type", "string");
            g.writeEndObject();
            g.writeEndObject();
            g.writeArrayFieldStart("resources");
            for (int i = 0; i < groups; i++) {
                var fixed = new Random(seed * 1_000_003L + i);
                var changing = new Random(seed * 1_000_003L + i + (i % 5 == 0 ? 7919L * variant : 0));
                vm(g, i, fixed, changing);
                ipAddress(g, i, fixed, changing);
                dnsRecord(g, i, fixed);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("check_results");
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering a benchmark state", e);
        }
        return out.toByteArray();
    }

    private static void resourceStart(JsonGenerator g, String type, String name, String provider) throws IOException {
        g.writeStartObject();
        g.writeStringField("mode", "managed");
        g.writeStringField("type", type);
        g.writeStringField("name", name);
        g.writeStringField("provider", "provider[\"registry.opentofu.org/" + provider + "\"]");
        g.writeArrayFieldStart("instances");
        g.writeStartObject();
        g.writeNumberField("schema_version", 0);
        g.writeObjectFieldStart("attributes");
    }

    private static void resourceEnd(JsonGenerator g, String dependsOn) throws IOException {
        g.writeEndObject(); // attributes
        g.writeArrayFieldStart("sensitive_attributes");
        g.writeEndArray();
        g.writeStringField("private", "bnVsbA==");
        if (dependsOn != null) {
            g.writeArrayFieldStart("dependencies");
            g.writeString(dependsOn);
            g.writeEndArray();
        }
        g.writeEndObject(); // instance
        g.writeEndArray();
        g.writeEndObject(); // resource
    }

    private static void vm(JsonGenerator g, int i, Random fixed, Random changing) throws IOException {
        resourceStart(g, "proxmox_virtual_environment_vm", "app_" + i, "bpg/proxmox");
        int vmId = 1000 + i;
        g.writeStringField("id", Integer.toString(vmId));
        g.writeNumberField("vm_id", vmId);
        g.writeStringField("name", "app-" + i + "-" + hex(fixed, 3));
        g.writeStringField("node_name", "pve" + (1 + fixed.nextInt(4)));
        g.writeStringField("description", "Managed by Baozi for tenant t" + fixed.nextInt(200));
        g.writeBooleanField("started", true);
        g.writeBooleanField("on_boot", true);
        g.writeNumberField("timeout_create", 1800);
        g.writeObjectFieldStart("agent");
        g.writeBooleanField("enabled", true);
        g.writeStringField("timeout", "15m");
        g.writeStringField("type", "virtio");
        g.writeEndObject();
        g.writeArrayFieldStart("cpu");
        g.writeStartObject();
        g.writeNumberField("cores", 1 << fixed.nextInt(3));
        g.writeNumberField("sockets", 1);
        g.writeStringField("type", "x86-64-v2-AES");
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("memory");
        g.writeStartObject();
        g.writeNumberField("dedicated", 1024 * (1 + fixed.nextInt(8)));
        g.writeNumberField("floating", 0);
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("disk");
        g.writeStartObject();
        g.writeStringField("datastore_id", "local-zfs");
        g.writeStringField("interface", "scsi0");
        g.writeNumberField("size", 8 * (1 + changing.nextInt(16)));
        g.writeStringField("file_format", "raw");
        g.writeStringField("path_in_datastore", "vm-" + vmId + "-disk-0");
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("network_device");
        g.writeStartObject();
        g.writeStringField("bridge", "vmbr0");
        g.writeStringField("mac_address", mac(fixed));
        g.writeStringField("model", "virtio");
        g.writeNumberField("vlan_id", 100 + fixed.nextInt(20));
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("ipv4_addresses");
        g.writeStartArray();
        g.writeString("127.0.0.1");
        g.writeEndArray();
        g.writeStartArray();
        g.writeString(ipv4(changing));
        g.writeEndArray();
        g.writeEndArray();
        g.writeArrayFieldStart("tags");
        g.writeString("baozi");
        g.writeString("tenant-" + fixed.nextInt(200));
        g.writeEndArray();
        g.writeObjectFieldStart("initialization");
        g.writeStringField("user_data_file_id", "local:snippets/ci-" + hex(fixed, 16) + ".yaml");
        g.writeStringField("ssh_public_key", "ssh-ed25519 " + Base64.getEncoder().encodeToString(bytes(fixed, 51)));
        g.writeEndObject();
        g.writeStringField("last_applied", "2025-0" + (1 + changing.nextInt(9)) + "-1" + changing.nextInt(10)
                + "T0" + changing.nextInt(10) + ":" + (10 + changing.nextInt(50)) + ":00Z");
        g.writeNumberField("revision", changing.nextInt(10_000));
        resourceEnd(g, null);
    }

    private static void ipAddress(JsonGenerator g, int i, Random fixed, Random changing) throws IOException {
        resourceStart(g, "netbox_ip_address", "app_" + i, "e-breuninger/netbox");
        g.writeStringField("id", Integer.toString(5000 + i));
        g.writeStringField("ip_address", ipv4(changing) + "/24");
        g.writeStringField("status", "active");
        g.writeStringField("dns_name", "app-" + i + ".example.coop");
        g.writeStringField("description", "");
        g.writeNullField("vrf_id");
        g.writeNumberField("tenant_id", fixed.nextInt(200));
        g.writeStringField("object_type", "virtualization.vminterface");
        g.writeNumberField("virtual_machine_interface_id", 7000 + i);
        g.writeArrayFieldStart("tags");
        g.writeEndArray();
        resourceEnd(g, "proxmox_virtual_environment_vm.app_" + i);
    }

    private static void dnsRecord(JsonGenerator g, int i, Random fixed) throws IOException {
        resourceStart(g, "powerdns_record", "app_" + i, "pan-net/powerdns");
        g.writeStringField("id", "app-" + i + ".example.coop.:::A");
        g.writeStringField("zone", "example.coop.");
        g.writeStringField("name", "app-" + i + ".example.coop.");
        g.writeStringField("type", "A");
        g.writeNumberField("ttl", 300);
        g.writeArrayFieldStart("records");
        g.writeString(ipv4(fixed));
        g.writeEndArray();
        g.writeStringField("checksum", hex(fixed, 32));
        resourceEnd(g, "netbox_ip_address.app_" + i);
    }

    private static String ipv4(Random r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String mac(Random r) {
        byte[] b = bytes(r, 6);
        b[0] = (byte) 0xBC;
        b[1] = (byte) 0x24;
        b[2] = (byte) 0x11;
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }

    private static String hex(Random r, int bytes) {
        return HexFormat.of().formatHex(bytes(r, bytes));
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
