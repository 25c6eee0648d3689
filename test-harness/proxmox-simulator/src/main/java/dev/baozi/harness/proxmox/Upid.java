package dev.baozi.harness.proxmox;

import java.util.HexFormat;

/**
 * A task's id as PVE writes it: {@code UPID:node:pid:pstart:starttime:type:id:user:}, the numbers
 * in upper-case hex of eight digits. A {@code :} in the id (a volume id, for {@code imgdel}) is written
 * {@code \x3A}, as PVE's {@code upid_encode} does.
 */
public record Upid(String node, long pid, long pstart, long startTime, String type, String id, String user) {

    @Override
    public String toString() {
        return "UPID:" + node + ":" + hex(pid) + ":" + hex(pstart) + ":" + hex(startTime) + ":" + type + ":"
                + id.replace(":", "\\x3A") + ":" + user + ":";
    }

    private static String hex(long v) {
        return HexFormat.of().withUpperCase().toHexDigits((int) v);
    }

    /** Parses a UPID, or throws PVE's 400 for the {@code upid} parameter. */
    public static Upid parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 9 || !parts[0].equals("UPID") || !parts[8].isEmpty()) {
            throw PveException.parameter("upid", "unable to parse worker upid '" + text + "'");
        }
        try {
            return new Upid(parts[1], Long.parseLong(parts[2], 16), Long.parseLong(parts[3], 16),
                    Long.parseLong(parts[4], 16), parts[5], parts[6].replace("\\x3A", ":"), parts[7]);
        } catch (NumberFormatException e) {
            throw PveException.parameter("upid", "unable to parse worker upid '" + text + "'");
        }
    }
}
