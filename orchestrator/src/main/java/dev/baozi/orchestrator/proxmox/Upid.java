package dev.baozi.orchestrator.proxmox;

/**
 * A PVE task id, {@code UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:}, with the parts
 * callers need: the node it runs on (its status lives there), its type and the object it works on
 * (PVE writes a {@code :} in it as {@code \x3A}; {@link #id()} has it back).
 */
public record Upid(String value, String node, String type, String id, String user) {

    /** Reads a UPID; throws {@link IllegalArgumentException} when it is not one. */
    public static Upid parse(String value) {
        if (value == null || !value.startsWith("UPID:")) {
            throw new IllegalArgumentException("not a PVE task id (UPID:node:…): " + value);
        }
        String[] parts = value.split(":", -1);
        if (parts.length < 9 || parts[1].isEmpty()) {
            throw new IllegalArgumentException("a PVE task id has 8 fields after UPID, got " + (parts.length - 1) + ": " + value);
        }
        return new Upid(value, parts[1], parts[5], parts[6].replace("\\x3A", ":"), parts[7]);
    }

    @Override
    public String toString() {
        return value;
    }
}
