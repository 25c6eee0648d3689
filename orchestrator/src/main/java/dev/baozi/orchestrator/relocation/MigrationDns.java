package dev.baozi.orchestrator.relocation;

import dev.baozi.orchestrator.dns.DnsRecord;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.MigrationStep;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepRecord;
import dev.baozi.orchestrator.migration.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The DNS steps of a migration, around the other steps' actions ({@code steps}): the deployment's
 * records as last applied (its host name's A or AAAA record, its aliases' CNAMEs) are changed through
 * the same {@link DnsService} a deployment's runs use (an octoDNS plan, applied under its checksum at
 * once), never by a second writer. The plan step is {@code steps}' with the DNS changes and the TTL
 * filled in: what the steps below do is read back from the migration's plan, so every step finds its
 * work done on a repeat (no changes planned) and says so.
 */
public final class MigrationDns implements MigrationActions {

    /** The TTL, in seconds, of the records during a move, unless they have a lower one already. */
    public static final int DEFAULT_LOWERED_TTL = 60;

    private final MigrationActions steps;
    private final Optional<DnsService> dns;
    private final Timeline timeline;
    private final int loweredTtl;
    private final Clock clock;

    public MigrationDns(MigrationActions steps, Optional<DnsService> dns, Timeline timeline, int loweredTtl, Clock clock) {
        if (loweredTtl < 1) {
            throw new IllegalArgumentException("the lowered TTL must be at least 1 s, not " + loweredTtl);
        }
        this.steps = steps;
        this.dns = dns;
        this.timeline = timeline;
        this.loweredTtl = loweredTtl;
        this.clock = clock;
    }

    // ---- the plan: the other steps', with the DNS changes and the TTL ----

    @Override
    public PlanResult plan(Migration m) {
        PlanResult result = steps.plan(m);
        if (!(result instanceof PlanResult.Planned planned) || planned.plan().reservedAddress() == null) {
            return result;
        }
        MigrationPlan p = planned.plan();
        List<DnsRecord> records = dns.map(d -> d.applied(m.workspaceId())).orElse(List.of());
        String to = host(p.reservedAddress());
        List<MigrationPlan.DnsChange> changes = new ArrayList<>();
        for (DnsRecord r : records) {
            if (isAddress(r)) {
                changes.add(new MigrationPlan.DnsChange(r.fqdn(), r.type(), r.values().getFirst(), to));
            }
        }
        int current = records.stream().mapToInt(DnsRecord::ttl).max().orElse(0);
        var ttl = new MigrationPlan.Ttl(current, Math.min(current, loweredTtl));
        return new PlanResult.Planned(new MigrationPlan(p.reservedAddress(), p.targetVm(), changes, ttl, p.backup(),
                p.expectedDowntimeSeconds(), p.findings()));
    }

    // ---- the DNS steps ----

    @Override
    public StepResult lowerTtl(Migration m) {
        MigrationPlan.Ttl ttl = m.plan() == null ? new MigrationPlan.Ttl(0, 0) : m.plan().ttl();
        if (dns.isEmpty() || ttl.current() == 0) {
            return new StepResult.Done(Map.of("ttl", "the deployment has no DNS records: no TTL to lower"));
        }
        var changed = change(m, r -> withTtl(r, Math.min(r.ttl(), ttl.lowered())));
        if (changed instanceof Change.Failed f) {
            return new StepResult.Refused("lowering the TTL: " + f.reason());
        }
        OffsetDateTime loweredAt = earlierDetail(m, MigrationStep.LOWER_TTL, "ttl_lowered_at").map(OffsetDateTime::parse)
                .filter(t -> !((Change.Made) changed).applied())
                .orElseGet(() -> OffsetDateTime.now(clock));
        OffsetDateTime until = loweredAt.plusSeconds(ttl.current());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("ttl", (((Change.Made) changed).applied() ? "lowered" : "already lowered") + " from " + ttl.current()
                + " s to " + ttl.lowered() + " s: " + ((Change.Made) changed).names());
        details.put("ttl_lowered_at", loweredAt.toString());
        if (!until.isAfter(OffsetDateTime.now(clock))) {
            return new StepResult.Done(details);
        }
        return new StepResult.Wait("resolvers may hold the records for up to the old TTL (" + ttl.current() + " s)", until, details);
    }

    @Override
    public StepResult switchDns(Migration m) {
        return point(m, "switching the names to the new address", true);
    }

    @Override
    public StepResult dnsBack(Migration m) {
        return point(m, "pointing the names back at " + m.sourceProvider(), false);
    }

    @Override
    public StepResult restoreTtl(Migration m) {
        MigrationPlan.Ttl ttl = m.plan() == null ? new MigrationPlan.Ttl(0, 0) : m.plan().ttl();
        if (dns.isEmpty() || ttl.current() == 0) {
            return new StepResult.Done(Map.of("ttl", "the deployment has no DNS records: no TTL to restore"));
        }
        var changed = change(m, r -> withTtl(r, ttl.current()));
        if (changed instanceof Change.Failed f) {
            return new StepResult.Refused("restoring the TTL: " + f.reason());
        }
        var made = (Change.Made) changed;
        return new StepResult.Done(Map.of("ttl", (made.applied() ? "restored" : "already") + " " + ttl.current() + " s: "
                + made.names()));
    }

    /** Decommission restores the TTL first (the names point at the target by then), then does the other steps' part. */
    @Override
    public StepResult decommission(Migration m) {
        StepResult ttl = restoreTtl(m);
        if (!(ttl instanceof StepResult.Done done)) {
            return ttl;
        }
        StepResult rest = steps.decommission(m);
        if (rest instanceof StepResult.Done d) {
            Map<String, String> all = new LinkedHashMap<>(d.details());
            all.putAll(done.details());
            return new StepResult.Done(all);
        }
        return rest;
    }

    /** Points the address records at the plan's new address ({@code forward}) or back at their old one. */
    private StepResult point(Migration m, String what, boolean forward) {
        List<MigrationPlan.DnsChange> changes = m.plan() == null ? List.of() : m.plan().dnsChanges();
        if (dns.isEmpty() || changes.isEmpty()) {
            return new StepResult.Done(Map.of("dns", "the deployment has no address records: nothing to point"));
        }
        var changed = change(m, r -> {
            for (MigrationPlan.DnsChange c : changes) {
                if (isAddress(r) && c.name().equals(r.fqdn())) {
                    String address = forward ? c.to() : c.from();
                    return new DnsRecord(r.zone(), r.name(), address.contains(":") ? "AAAA" : "A", r.ttl(), List.of(address));
                }
            }
            return r;
        });
        if (changed instanceof Change.Failed f) {
            return new StepResult.Refused(what + ": " + f.reason());
        }
        var made = (Change.Made) changed;
        String targets = String.join(", ", changes.stream().map(c -> c.name() + " → " + (forward ? c.to() : c.from())).toList());
        return new StepResult.Done(Map.of("dns", (made.applied() ? "" : "already ") + targets));
    }

    // ---- the one path: plan the workspace's records with octoDNS, apply under the checksum ----

    private sealed interface Change {
        record Made(boolean applied, String names) implements Change {}

        record Failed(String reason) implements Change {}
    }

    private Change change(Migration m, java.util.function.UnaryOperator<DnsRecord> how) {
        DnsService d = dns.orElseThrow();
        List<DnsRecord> now = d.applied(m.workspaceId());
        List<DnsRecord> desired = now.stream().map(how).toList();
        String names = String.join(", ", desired.stream().map(DnsRecord::fqdn).toList());
        if (desired.equals(now)) {
            return new Change.Made(false, names);
        }
        List<String> log = new ArrayList<>();
        Path dir = tempDir(m);
        try {
            var planned = d.plan(m.workspaceId(), desired, dir, log::add);
            if (planned instanceof DnsService.PlanOutcome.Refused r) {
                return new Change.Failed(r.reason() + "; nothing was changed");
            }
            var zones = ((DnsService.PlanOutcome.Planned) planned).zones();
            var applied = d.apply(m.workspaceId(), zones, desired, false, dir, log::add);
            if (applied instanceof DnsService.ApplyOutcome.Refused r) {
                return new Change.Failed(r.reason() + (r.done().isEmpty() ? "" : " (zones already synced: " + String.join(", ",
                        r.done()) + ")"));
            }
            return new Change.Made(true, names);
        } finally {
            delete(dir);
        }
    }

    // ---- helpers ----

    private static boolean isAddress(DnsRecord r) {
        return ("A".equals(r.type()) || "AAAA".equals(r.type())) && r.values().size() == 1;
    }

    private static DnsRecord withTtl(DnsRecord r, int ttl) {
        return new DnsRecord(r.zone(), r.name(), r.type(), ttl, r.values());
    }

    private static String host(String address) {
        return address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
    }

    private Optional<String> earlierDetail(Migration m, MigrationStep step, String key) {
        List<StepRecord> entries = timeline.of(m.id());
        Optional<String> found = Optional.empty();
        for (StepRecord e : entries) {
            if (e.step() == step && e.details().containsKey(key)) {
                found = Optional.of(e.details().get(key));
            }
        }
        return found;
    }

    private static Path tempDir(Migration m) {
        try {
            return Files.createTempDirectory("baozi-migration-" + m.id() + "-dns-");
        } catch (IOException e) {
            throw new UncheckedIOException("creating a directory for octoDNS", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }

    // ---- the other steps: theirs ----

    @Override
    public StepResult backup(Migration m) {
        return steps.backup(m);
    }

    @Override
    public StepResult cutover(Migration m) {
        return steps.cutover(m);
    }

    @Override
    public StepResult adopt(Migration m) {
        return steps.adopt(m);
    }

    @Override
    public StepResult startVerify(Migration m) {
        return steps.startVerify(m);
    }

    @Override
    public StepResult soak(Migration m) {
        return steps.soak(m);
    }

    @Override
    public StepResult startSource(Migration m) {
        return steps.startSource(m);
    }

    @Override
    public StepResult stateBack(Migration m) {
        return steps.stateBack(m);
    }

    @Override
    public StepResult releaseTarget(Migration m) {
        return steps.releaseTarget(m);
    }
}
