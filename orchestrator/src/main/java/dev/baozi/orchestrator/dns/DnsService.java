package dev.baozi.orchestrator.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Plans and applies a workspace's DNS records. A zone's file holds every workspace's applied
 * records in that zone, with this workspace's replaced by those it wants now; octoDNS's dry run
 * of it is the plan (with its checksum), and the apply syncs exactly that file under that
 * checksum, so a zone that changed since (drift, or another workspace's apply) is refused rather
 * than overwritten. One zone per sync, so one checksum covers one zone.
 */
public final class DnsService {

    private final ManagedZones zones;
    private final OctoDnsConfig base;
    private final OctoDnsSync sync;
    private final DnsRecordRepository records;
    private final Map<String, String> env;
    private final int defaultTtl;

    public DnsService(ManagedZones zones, OctoDnsConfig base, OctoDnsSync sync, DnsRecordRepository records,
            URI powerdns, Optional<String> apiKey, int defaultTtl) {
        this.zones = zones;
        this.base = base;
        this.sync = sync;
        this.records = records;
        this.defaultTtl = defaultTtl;
        Map<String, String> e = new HashMap<>();
        e.put("BAOZI_PDNS_SCHEME", powerdns.getScheme());
        e.put("BAOZI_PDNS_HOST", powerdns.getHost());
        e.put("BAOZI_PDNS_PORT", Integer.toString(powerdns.getPort() > 0 ? powerdns.getPort()
                : "https".equals(powerdns.getScheme()) ? 443 : 80));
        apiKey.ifPresent(k -> e.put("PDNS_API_KEY", k));
        this.env = Map.copyOf(e);
    }

    public ManagedZones zones() {
        return zones;
    }

    /** The secrets octoDNS is given, for redaction from run logs. */
    public List<String> secrets() {
        return env.containsKey("PDNS_API_KEY") ? List.of(env.get("PDNS_API_KEY")) : List.of();
    }

    public int defaultTtl() {
        return defaultTtl;
    }

    /** The records {@code workspaceId} has in its zones now (as last applied). */
    public List<DnsRecord> applied(long workspaceId) {
        return records.ofWorkspace(workspaceId);
    }

    /** What a DNS plan came to. */
    public sealed interface PlanOutcome {
        record Planned(List<ZonePlan> zones) implements PlanOutcome {
            public int changes() {
                return zones.stream().mapToInt(z -> z.changes().size()).sum();
            }
        }

        record Refused(String reason) implements PlanOutcome {}
    }

    /**
     * Plans the move of {@code workspaceId}'s records to {@code desired}: every zone it has records
     * in now or wants some in. Works in {@code dir}.
     */
    public PlanOutcome plan(long workspaceId, List<DnsRecord> desired, Path dir, Consumer<String> log) {
        var touched = new TreeSet<String>();
        records.ofWorkspace(workspaceId).forEach(r -> touched.add(r.zone()));
        desired.forEach(r -> touched.add(r.zone()));
        List<ZonePlan> plans = new ArrayList<>();
        for (String zone : touched) {
            List<DnsRecord> file = new ArrayList<>();
            for (DnsRecordRepository.Owned o : records.inZone(zone)) {
                if (o.workspaceId() == workspaceId) {
                    continue;
                }
                for (DnsRecord mine : desired) {
                    if (mine.zone().equals(zone) && mine.name().equals(o.record().name())) {
                        return new PlanOutcome.Refused(mine.fqdn() + " is already a record of another workspace (" + o.record().type()
                                + "); choose another name");
                    }
                }
                file.add(o.record());
            }
            desired.stream().filter(r -> r.zone().equals(zone)).forEach(file::add);
            String zoneFile = ZoneFile.yaml(file);
            var outcome = dryRun(zone, zoneFile, dir, false, log);
            if (outcome instanceof OctoDnsSync.Outcome.NeedsForce force) {
                log.accept("zone " + zone + ": " + force.reason() + "; planning with force, so the approval must force it too");
                outcome = dryRun(zone, zoneFile, dir, true, log);
                if (outcome instanceof OctoDnsSync.Outcome.Planned p) {
                    outcome = new OctoDnsSync.Outcome.Planned(new ZonePlan(zone, p.plan().checksum(), p.plan().changes(), zoneFile,
                            force.reason()));
                }
            }
            switch (outcome) {
                case OctoDnsSync.Outcome.Planned p -> plans.add(p.plan());
                case OctoDnsSync.Outcome.Failed f -> {
                    return new PlanOutcome.Refused("planning zone " + zone + ": " + f.reason());
                }
                default -> {
                    return new PlanOutcome.Refused("planning zone " + zone + ": octoDNS answered " + outcome);
                }
            }
        }
        return new PlanOutcome.Planned(List.copyOf(plans));
    }

    /** What applying a DNS plan came to; {@code done} are the zones already synced when it stopped. */
    public sealed interface ApplyOutcome {
        record Applied(List<String> zones) implements ApplyOutcome {}

        record Refused(String zone, List<String> done, String reason) implements ApplyOutcome {}
    }

    /**
     * Syncs each planned zone with its approved checksum ({@code force} when the approval forced
     * changes over the thresholds), then records {@code desired} as {@code workspaceId}'s records
     * of that zone.
     */
    public ApplyOutcome apply(long workspaceId, List<ZonePlan> plans, List<DnsRecord> desired, boolean force, Path dir,
            Consumer<String> log) {
        List<String> done = new ArrayList<>();
        for (ZonePlan plan : plans) {
            if (plan.hasChanges()) {
                Path config = writeConfig(plan.zone(), plan.zoneFile(), dir);
                var outcome = sync.apply(config, plan.zone(), plan.checksum(), force || plan.needsForce(), env, log);
                switch (outcome) {
                    case OctoDnsSync.Outcome.Applied a -> log.accept("zone " + plan.zone() + ": applied " + describe(plan.changes()));
                    case OctoDnsSync.Outcome.ChangedSincePlan c -> {
                        return new ApplyOutcome.Refused(plan.zone(), done, "zone " + plan.zone()
                                + " changed since the plan (its changes no longer have the approved checksum; " + c.detail()
                                + "); nothing was changed in it");
                    }
                    case OctoDnsSync.Outcome.NeedsForce n -> {
                        return new ApplyOutcome.Refused(plan.zone(), done, "zone " + plan.zone() + ": " + n.reason());
                    }
                    case OctoDnsSync.Outcome.Failed f -> {
                        return new ApplyOutcome.Refused(plan.zone(), done, "zone " + plan.zone() + ": " + f.reason());
                    }
                    case OctoDnsSync.Outcome.Planned p -> throw new IllegalStateException("an apply answered with a plan");
                }
            }
            records.replace(workspaceId, plan.zone(), desired.stream().filter(r -> r.zone().equals(plan.zone())).toList());
            done.add(plan.zone());
        }
        return new ApplyOutcome.Applied(List.copyOf(done));
    }

    /** "2 record changes and 2 ownership markers": octoDNS's _owner TXT records counted apart. */
    static String describe(com.fasterxml.jackson.databind.JsonNode changes) {
        int markers = 0;
        for (var c : changes) {
            if (c.path("name").asText().startsWith("_owner")) {
                markers++;
            }
        }
        int records = changes.size() - markers;
        return records + " record change" + (records == 1 ? "" : "s") + (markers == 0 ? "" : " and " + markers + " ownership marker"
                + (markers == 1 ? "" : "s"));
    }

    private OctoDnsSync.Outcome dryRun(String zone, String zoneFile, Path dir, boolean force, Consumer<String> log) {
        Path config = writeConfig(zone, zoneFile, dir);
        Path planFile = dir.resolve("plan-" + zone + ".json");
        try {
            Files.deleteIfExists(planFile);
        } catch (IOException e) {
            throw new UncheckedIOException("clearing " + planFile, e);
        }
        return sync.plan(config, zone, planFile, zoneFile, force, env, log);
    }

    private Path writeConfig(String zone, String zoneFile, Path dir) {
        try {
            Path zonesDir = Files.createDirectories(dir.resolve("zones-" + zone));
            Files.writeString(zonesDir.resolve(zone + ".yaml"), zoneFile, StandardCharsets.UTF_8);
            Path config = dir.resolve("octodns-" + zone + ".yaml");
            Files.writeString(config, base.forZone(zone, zonesDir, dir.resolve("plan-" + zone + ".json"), defaultTtl),
                    StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the octoDNS configuration of zone " + zone + " in " + dir, e);
        }
    }
}
