package dev.baozi.orchestrator.migration;

import java.util.List;

/**
 * What the plan step found and reserved, shown for approval: the address reserved in the target's
 * pool, the target VM, the DNS changes, the TTL lowering, the backup to make, the expected downtime,
 * and each capacity check. A plan with a failed check is not approvable; the migration pauses
 * saying which.
 */
public record MigrationPlan(
        String reservedAddress,
        TargetVm targetVm,
        List<DnsChange> dnsChanges,
        Ttl ttl,
        String backup,
        long expectedDowntimeSeconds,
        List<Finding> findings) {

    public MigrationPlan {
        dnsChanges = List.copyOf(dnsChanges);
        findings = List.copyOf(findings);
    }

    /** The VM on the target: its node, its id there, and its storage and bridge. */
    public record TargetVm(String node, long vmid, String storage, String bridge) {}

    /** One DNS record changing: "web.example.org A 10.0.0.5 → 10.1.0.7". */
    public record DnsChange(String name, String type, String from, String to) {}

    /** The records' TTL now, the TTL during the move, in seconds. */
    public record Ttl(int current, int lowered) {}

    /** One capacity check: "storage local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB". */
    public record Finding(String check, boolean ok, String detail) {}

    /** The checks that failed, each "check: detail", joined; empty when all passed. */
    public String failures() {
        return String.join("; ", findings.stream().filter(f -> !f.ok()).map(f -> f.check() + ": " + f.detail()).toList());
    }
}
