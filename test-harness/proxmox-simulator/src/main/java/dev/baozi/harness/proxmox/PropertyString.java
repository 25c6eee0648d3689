package dev.baozi.harness.proxmox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * PVE's property strings ({@code local-lvm:vm-100-disk-0,iothread=1,size=8G}): a value for the
 * format's default key first, then {@code key=value} pairs. PVE prints them back with the default
 * key's value first and the other keys in sorted order; this class does the same.
 */
final class PropertyString {

    private PropertyString() {}

    /** Parses {@code text}; a part without {@code =} is the value of {@code defaultKey}. */
    static Map<String, String> parse(String text, String defaultKey) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                if (defaultKey == null || out.containsKey(defaultKey)) {
                    throw new IllegalArgumentException("value without key, but schema does not define a default key");
                }
                out.put(defaultKey, p);
            } else {
                String key = p.substring(0, eq);
                if (out.containsKey(key)) {
                    throw new IllegalArgumentException("duplicate key in comma-separated list property: " + key);
                }
                out.put(key, p.substring(eq + 1));
            }
        }
        return out;
    }

    /** Prints {@code values}: the default key's value bare and first, then the rest sorted by key. */
    static String print(Map<String, String> values, String defaultKey) {
        StringBuilder out = new StringBuilder();
        if (defaultKey != null && values.containsKey(defaultKey)) {
            out.append(values.get(defaultKey));
        }
        for (var e : new TreeMap<>(values).entrySet()) {
            if (e.getKey().equals(defaultKey)) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(e.getKey()).append('=').append(e.getValue());
        }
        return out.toString();
    }

    /**
     * PVE's {@code format_size}: the largest of K, M, G, T that divides the byte count, else bytes.
     */
    static String formatSize(long bytes) {
        long kb = bytes / 1024;
        if (kb * 1024 != bytes) {
            return Long.toString(bytes);
        }
        long mb = kb / 1024;
        if (mb * 1024 != kb) {
            return kb + "K";
        }
        long gb = mb / 1024;
        if (gb * 1024 != mb) {
            return mb + "M";
        }
        long tb = gb / 1024;
        if (tb * 1024 != gb) {
            return gb + "G";
        }
        return tb + "T";
    }

    /** Parses a disk size ({@code 8G}, {@code 512M}, {@code 1073741824}); bytes, or -1 if it is none. */
    static long parseSize(String text) {
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]?)").matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        double n = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            case "T" -> 1L << 40;
            default -> 1L;
        };
        return (long) Math.ceil(n * unit);
    }
}
