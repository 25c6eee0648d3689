package dev.baozi.orchestrator.dns;

import java.util.List;

/**
 * One record set in a managed zone: {@code name} relative to the zone ("" for the apex),
 * lower case; {@code type} A, AAAA or CNAME; values as octoDNS writes them (a CNAME's target ends
 * with a dot).
 */
public record DnsRecord(String zone, String name, String type, int ttl, List<String> values) {

    public DnsRecord {
        values = List.copyOf(values);
    }

    /** The record's owner name, fully qualified, without the final dot. */
    public String fqdn() {
        return name.isEmpty() ? zone : name + "." + zone;
    }
}
