package dev.baozi.harness.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.Tools;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.dns.DnsRecord;
import dev.baozi.orchestrator.dns.DnsRecordRepository;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.dns.OctoDnsConfig;
import dev.baozi.orchestrator.dns.OctoDnsSync;
import dev.baozi.orchestrator.dns.ZonePlan;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DnsService} with the real octoDNS (octodns-powerdns) against a real PowerDNS: plans are
 * octoDNS dry runs, applies happen only under the planned checksum, drift shows in the next plan.
 */
@Tag("slow")
class DnsServiceTest {

    private static PowerDnsServer pdns;
    private static Database database;
    private static DnsService dns;
    private static WorkspaceRepository workspaces;
    private static final List<String> LOG = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pdns = PowerDnsServer.startTemporary();
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:dns-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", ""));
        workspaces = new WorkspaceRepository(database.dsl());
        dns = new DnsService(new ManagedZones(List.of("example.test", "many.test")),
                OctoDnsConfig.load(TestStack.repoRoot().resolve("octodns-config/baozi.yaml")),
                new OctoDnsSync(Tools.octodnsSync(), Duration.ofMinutes(1)), new DnsRecordRepository(database.dsl()),
                pdns.apiUrl(), Optional.of(pdns.apiKey()), 300);
    }

    @AfterAll
    static void stop() {
        database.close();
        pdns.close();
    }

    /** A workspace of its own for each test, so one test's records are not another's. */
    private static long workspace(String name) {
        return workspaces.insert(name, "demo-data", new ObjectMapper().createObjectNode(), "1.12.6", "t", OffsetDateTime.now(), null).id();
    }

    private static DnsRecord a(String zone, String name, String address) {
        return new DnsRecord(zone, name, "A", 300, List.of(address));
    }

    private static DnsRecord cname(String zone, String name, String target) {
        return new DnsRecord(zone, name, "CNAME", 300, List.of(target + "."));
    }

    private List<ZonePlan> plan(long workspace, List<DnsRecord> desired) {
        var outcome = dns.plan(workspace, desired, dir, LOG::add);
        assertThat(outcome).as(String.join("\n", LOG)).isInstanceOf(DnsService.PlanOutcome.Planned.class);
        return ((DnsService.PlanOutcome.Planned) outcome).zones();
    }

    private static List<String> changes(List<ZonePlan> plans) {
        List<String> all = new ArrayList<>();
        plans.forEach(p -> p.changes().forEach(c -> {
            if (!c.path("name").asText().startsWith("_owner")) {
                all.add(c.path("type").asText() + " " + c.path("record_type").asText() + " " + c.path("name").asText());
            }
        }));
        return all;
    }

    @Test
    void records_are_planned_applied_under_their_checksum_and_then_answered_by_powerdns() {
        long shop = workspace("shop");
        var desired = List.of(a("example.test", "shop", "10.0.0.5"), cname("example.test", "www.shop", "shop.example.test"));

        var plans = plan(shop, desired);
        var applied = dns.apply(shop, plans, desired, false, dir, LOG::add);
        var again = plan(shop, desired);

        assertThat(changes(plans)).containsExactlyInAnyOrder("create A shop", "create CNAME www.shop");
        assertThat(plans.getFirst().checksum()).matches("[0-9a-f]{64}");
        assertThat(plans.getFirst().zoneFile()).contains("shop:").contains("10.0.0.5");
        assertThat(applied).isEqualTo(new DnsService.ApplyOutcome.Applied(List.of("example.test")));
        assertThat(pdns.dig("shop.example.test", "A")).containsExactly("10.0.0.5");
        assertThat(pdns.dig("www.shop.example.test", "CNAME")).containsExactly("shop.example.test.");
        assertThat(again.getFirst().hasChanges()).as(again.toString()).isFalse();
        assertThat(dns.applied(shop)).containsExactlyInAnyOrderElementsOf(desired);
    }

    @Test
    void a_record_changed_behind_baozis_back_shows_in_the_next_plan_and_an_old_checksum_is_refused() {
        long shop = workspace("drifting");
        var desired = List.of(a("example.test", "drift", "10.0.0.7"));
        dns.apply(shop, plan(shop, desired), desired, false, dir, LOG::add);
        String rrset = """
                {"rrsets": [{"name": "drift.example.test.", "type": "A", "ttl": 300, "changetype": "REPLACE",
                  "records": [{"content": "203.0.113.66", "disabled": false}]}]}""";
        assertThat(pdns.api("PATCH", "/zones/example.test.", rrset).statusCode()).isEqualTo(204);

        var drifted = plan(shop, desired);
        String rrset2 = rrset.replace("203.0.113.66", "203.0.113.77");
        assertThat(pdns.api("PATCH", "/zones/example.test.", rrset2).statusCode()).isEqualTo(204);
        var stale = dns.apply(shop, drifted, desired, false, dir, LOG::add);

        assertThat(changes(drifted)).containsExactly("update A drift");
        assertThat(drifted.getFirst().changes().toString()).contains("203.0.113.66").contains("10.0.0.7");
        assertThat(stale).isInstanceOf(DnsService.ApplyOutcome.Refused.class);
        assertThat(((DnsService.ApplyOutcome.Refused) stale).reason()).contains("changed since the plan");
        assertThat(pdns.dig("drift.example.test", "A")).as("nothing was changed").containsExactly("203.0.113.77");

        var fresh = plan(shop, desired);
        assertThat(dns.apply(shop, fresh, desired, false, dir, LOG::add)).isInstanceOf(DnsService.ApplyOutcome.Applied.class);
        assertThat(pdns.dig("drift.example.test", "A")).containsExactly("10.0.0.7");
    }

    @Test
    void another_workspaces_name_is_refused_and_removing_records_deletes_them() {
        long blog = workspace("blog");
        long shop = workspace("other");
        var mine = List.of(a("example.test", "mine", "10.0.0.8"));
        dns.apply(blog, plan(blog, mine), mine, false, dir, LOG::add);

        var taken = dns.plan(shop, List.of(a("example.test", "mine", "10.0.0.9")), dir, LOG::add);
        var removal = plan(blog, List.of());
        dns.apply(blog, removal, List.of(), false, dir, LOG::add);

        assertThat(taken).isInstanceOf(DnsService.PlanOutcome.Refused.class);
        assertThat(((DnsService.PlanOutcome.Refused) taken).reason()).contains("mine.example.test is already a record of another workspace");
        assertThat(changes(removal)).containsExactly("delete A mine");
        assertThat(pdns.dig("mine.example.test", "A")).isEmpty();
        assertThat(dns.applied(blog)).isEmpty();
    }

    @Test
    void changes_over_octodns_safety_thresholds_are_planned_with_the_reason_and_applied_only_with_force() {
        long shop = workspace("many");
        List<DnsRecord> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(a("many.test", "host" + i, "10.1.0." + (i + 1)));
        }
        dns.apply(shop, plan(shop, many), many, false, dir, LOG::add);
        List<DnsRecord> moved = many.stream().map(r -> a("many.test", r.name(), r.values().getFirst().replace("10.1.", "10.2."))).toList();

        var plans = plan(shop, moved);
        ZonePlan forced = plans.getFirst();
        var withoutForce = List.of(new ZonePlan(forced.zone(), forced.checksum(), forced.changes(), forced.zoneFile(), null));
        var refused = dns.apply(shop, withoutForce, moved, false, dir, LOG::add);
        String before = String.join(",", pdns.dig("host3.many.test", "A"));
        var applied = dns.apply(shop, plans, moved, false, dir, LOG::add);

        assertThat(forced.needsForce()).isTrue();
        assertThat(forced.forceReason()).contains("Too many updates").contains("force required");
        assertThat(refused).isInstanceOf(DnsService.ApplyOutcome.Refused.class);
        assertThat(((DnsService.ApplyOutcome.Refused) refused).reason()).contains("Too many updates");
        assertThat(before).isEqualTo("10.1.0.4");
        assertThat(applied).isInstanceOf(DnsService.ApplyOutcome.Applied.class);
        assertThat(pdns.dig("host3.many.test", "A")).containsExactly("10.2.0.4");
    }
}
