package dev.baozi.orchestrator.netbox;

import java.util.List;

/**
 * A pool as the pools page shows it: what it is ({@code prefix} or {@code range}), its NetBox id,
 * how many addresses it can hand out (null when too many to count: large IPv6 prefixes), how many
 * NetBox holds in it, and who holds what.
 */
public record PoolUsage(String kind, long id, String pool, String status, String description, Long size, int used,
        List<Holder> holders) {

    public PoolUsage {
        holders = List.copyOf(holders);
    }

    /** An address in the pool: the deployment whose tag it carries (null: not one of Baozi's), its DNS name and status. */
    public record Holder(String address, String deployment, String dnsName, String status, String description) {}

    /** Used as a share of size, in whole percent; null when the size is not counted. */
    public Integer percent() {
        return size == null || size == 0 ? null : (int) Math.min(100, Math.round(100.0 * used / size));
    }
}
