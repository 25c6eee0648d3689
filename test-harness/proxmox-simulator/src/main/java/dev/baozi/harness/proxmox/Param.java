package dev.baozi.harness.proxmox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parameter a route accepts, named as PVE's API schema names it: {@code net[n]} stands for
 * {@code net0}, {@code net1}, ... Path parameters ({@code node}, {@code vmid}) are parameters too,
 * as in the schema.
 */
public record Param(String name, Type type, boolean optional) {

    /** The JSON schema types PVE declares for parameters. */
    public enum Type {
        STRING("string"), INTEGER("integer"), NUMBER("number"), BOOLEAN("boolean");

        private final String schemaName;

        Type(String schemaName) {
            this.schemaName = schemaName;
        }

        public String schemaName() {
            return schemaName;
        }
    }

    /** The highest index PVE defines for an indexed option ({@code scsi30}, {@code net31}, ...). */
    private static final Map<String, Integer> MAX_INDEX = Map.of(
            "ide[n]", 3, "sata[n]", 5, "scsi[n]", 30, "virtio[n]", 15, "net[n]", 31, "ipconfig[n]", 31,
            "serial[n]", 3, "unused[n]", 255);

    /** Whether {@code key} (as sent, e.g. {@code net0}) is this parameter. */
    public boolean matches(String key) {
        if (!name.endsWith("[n]")) {
            return name.equals(key);
        }
        String prefix = name.substring(0, name.length() - 3);
        if (key.length() <= prefix.length() || !key.startsWith(prefix)) {
            return false;
        }
        String index = key.substring(prefix.length());
        if (!index.matches("0|[1-9]\\d{0,3}")) {
            return false;
        }
        return Integer.parseInt(index) <= MAX_INDEX.getOrDefault(name, 31);
    }

    /** The declared parameter for {@code key}, if any. */
    public static Optional<Param> find(List<Param> params, String key) {
        return params.stream().filter(p -> p.matches(key)).findFirst();
    }

    /**
     * Parameters from a compact list: {@code "node! vmid:integer! cores:integer name"}; a trailing
     * {@code !} marks a required parameter, no type means string.
     */
    public static List<Param> parse(String spec) {
        List<Param> params = new ArrayList<>();
        for (String word : spec.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            boolean required = word.endsWith("!");
            String w = required ? word.substring(0, word.length() - 1) : word;
            int colon = w.indexOf(':');
            Type type = colon < 0 ? Type.STRING : Type.valueOf(w.substring(colon + 1).toUpperCase(java.util.Locale.ROOT));
            params.add(new Param(colon < 0 ? w : w.substring(0, colon), type, !required));
        }
        return List.copyOf(params);
    }

    /** Concatenates parameter lists. */
    @SafeVarargs
    public static List<Param> all(List<Param>... lists) {
        List<Param> out = new ArrayList<>();
        for (List<Param> l : lists) {
            out.addAll(l);
        }
        return List.copyOf(out);
    }

    /**
     * Checks {@code value} against the type, as PVE's schema check does, and returns it in the form
     * PVE keeps (booleans become {@code 1}/{@code 0}), or an error text in PVE's words.
     */
    public Map.Entry<String, String> check(String value) {
        switch (type) {
            case INTEGER -> {
                if (!value.matches("[+-]?\\d+")) {
                    return Map.entry("", "type check ('integer') failed - got '" + value + "'");
                }
            }
            case NUMBER -> {
                if (!value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                    return Map.entry("", "type check ('number') failed - got '" + value + "'");
                }
            }
            case BOOLEAN -> {
                String v = value.toLowerCase(java.util.Locale.ROOT);
                if (List.of("1", "true", "yes", "on").contains(v)) {
                    return Map.entry("1", "");
                }
                if (List.of("0", "false", "no", "off").contains(v)) {
                    return Map.entry("0", "");
                }
                return Map.entry("", "type check ('boolean') failed - got '" + value + "'");
            }
            case STRING -> { }
        }
        return Map.entry(value, "");
    }
}
