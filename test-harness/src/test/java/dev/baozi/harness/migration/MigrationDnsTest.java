package dev.baozi.harness.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.Tools;
import dev.baozi.harness.dns.PowerDnsServer;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.dns.DnsRecord;
import dev.baozi.orchestrator.dns.DnsRecordRepository;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.dns.OctoDnsConfig;
import dev.baozi.orchestrator.dns.OctoDnsSync;
import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.MigrationStatus;
import dev.baozi.orchestrator.migration.MigrationStep;
import dev.baozi.orchestrator.migration.MigrationTarget;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepRecord;
import dev.baozi.orchestrator.migration.StepResult;
import dev.baozi.orchestrator.relocation.MigrationDns;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MigrationDns} with the real octoDNS against a real PowerDNS: the deployment's records get the
 * low TTL, then the new address, then (rolling back) the old address and their own TTL again, each
 * seen in PowerDNS; every step repeated is a no-op.
 */
@Tag("slow")
class MigrationDnsTest {

    private static PowerDnsServer pdns;
    private static Database database;
    private static DnsService dns;
    private static WorkspaceRepository workspaces;
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pdns = PowerDnsServer.startTemporary();
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:migdns-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", ""));
        workspaces = new WorkspaceRepository(database.dsl());
        dns = new DnsService(new ManagedZones(List.of("example.test")),
                OctoDnsConfig.load(TestStack.repoRoot().resolve("octodns-config/baozi.yaml")),
                new OctoDnsSync(Tools.octodnsSync(), Duration.ofMinutes(1)), new DnsRecordRepository(database.dsl()),
                pdns.apiUrl(), Optional.of(pdns.apiKey()), 300);
    }

    @AfterAll
    static void stop() {
        database.close();
        pdns.close();
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** The other steps: a plan that reserved 10.1.0.7/24 on sim-b; nothing else is asked of them here. */
    private static MigrationActions steps() {
        return new MigrationActions() {
            @Override
            public PlanResult plan(Migration m) {
                return new PlanResult.Planned(new MigrationPlan("10.1.0.7/24", new MigrationPlan.TargetVm("pve1", 200, "local-lvm",
                        "vmbr0"), List.of(), new MigrationPlan.Ttl(0, 0), "vzdump", 150, List.of()));
            }

            @Override
            public StepResult decommission(Migration m) {
                return new StepResult.Done(Map.of("source_vm", "destroyed"));
            }

            private StepResult no() {
                throw new IllegalStateException("not asked in this test");
            }

            @Override
            public StepResult backup(Migration m) {
                return no();
            }

            @Override
            public StepResult lowerTtl(Migration m) {
                return no();
            }

            @Override
            public StepResult cutover(Migration m) {
                return no();
            }

            @Override
            public StepResult adopt(Migration m) {
                return no();
            }

            @Override
            public StepResult startVerify(Migration m) {
                return no();
            }

            @Override
            public StepResult switchDns(Migration m) {
                return no();
            }

            @Override
            public StepResult soak(Migration m) {
                return no();
            }

            @Override
            public StepResult startSource(Migration m) {
                return no();
            }

            @Override
            public StepResult dnsBack(Migration m) {
                return no();
            }

            @Override
            public StepResult stateBack(Migration m) {
                return no();
            }

            @Override
            public StepResult releaseTarget(Migration m) {
                return no();
            }

            @Override
            public StepResult restoreTtl(Migration m) {
                return no();
            }
        };
    }

    /** A deployment workspace with its records applied as its run would: {@code name}.example.test A, www.{@code name} CNAME. */
    private long deployment(String name, String address) {
        long id = workspaces.insert(name, "demo-data", JSON.createObjectNode(), "1.12.6", "t", OffsetDateTime.now(), null).id();
        var desired = List.of(new DnsRecord("example.test", name, "A", 300, List.of(address)),
                new DnsRecord("example.test", "www." + name, "CNAME", 300, List.of(name + ".example.test.")));
        var planned = (DnsService.PlanOutcome.Planned) dns.plan(id, desired, dir, LOG::add);
        assertThat(dns.apply(id, planned.zones(), desired, false, dir, LOG::add)).isInstanceOf(DnsService.ApplyOutcome.Applied.class);
        return id;
    }

    private static Migration migration(long workspaceId, String workspace, MigrationPlan plan) {
        return new Migration(7, workspaceId, workspace, "sim-a", new MigrationTarget("sim-b", "10.1.0.0/24", "local-lvm", "vmbr0"),
                MigrationStatus.RUNNING, MigrationStep.PLAN, null, null, plan, "olga", OffsetDateTime.now(), OffsetDateTime.now(),
                null, 1);
    }

    /** The TTL PowerDNS serves for {@code name}'s record set of {@code type}. */
    private static int ttl(String name, String type) throws Exception {
        JsonNode zone = JSON.readTree(pdns.api("GET", "/zones/example.test.", null).body());
        for (JsonNode rrset : zone.path("rrsets")) {
            if (rrset.path("name").asText().equals(name + ".") && rrset.path("type").asText().equals(type)) {
                return rrset.path("ttl").asInt();
            }
        }
        throw new AssertionError("no " + type + " record for " + name + " in " + zone);
    }

    private static StepRecord entry(MigrationStep step, StepRecord.Outcome outcome, StepResult result) {
        Map<String, String> details = switch (result) {
            case StepResult.Done d -> d.details();
            case StepResult.Wait w -> w.details();
            default -> Map.of();
        };
        return new StepRecord(1, step, outcome, null, OffsetDateTime.now(), OffsetDateTime.now(), details);
    }

    @Test
    void the_records_get_the_low_ttl_the_new_address_and_then_their_old_address_and_ttl_back_each_step_once() throws Exception {
        long id = deployment("moving", "10.0.0.5");
        var clock = new TestClock();
        List<StepRecord> timeline = new ArrayList<>();
        var actions = new MigrationDns(steps(), Optional.of(dns), migrationId -> List.copyOf(timeline), 60, clock);

        var plan = ((PlanResult.Planned) actions.plan(migration(id, "moving", null))).plan();
        Migration m = migration(id, "moving", plan);

        assertThat(plan.dnsChanges()).containsExactly(new MigrationPlan.DnsChange("moving.example.test", "A", "10.0.0.5", "10.1.0.7"));
        assertThat(plan.ttl()).isEqualTo(new MigrationPlan.Ttl(300, 60));

        var lowered = actions.lowerTtl(m);
        assertThat(lowered).isInstanceOf(StepResult.Wait.class);
        assertThat(((StepResult.Wait) lowered).until()).isEqualTo(OffsetDateTime.now(clock).plusSeconds(300));
        assertThat(ttl("moving.example.test", "A")).isEqualTo(60);
        assertThat(ttl("www.moving.example.test", "CNAME")).isEqualTo(60);
        assertThat(pdns.dig("moving.example.test", "A")).containsExactly("10.0.0.5");
        timeline.add(entry(MigrationStep.LOWER_TTL, StepRecord.Outcome.INTERRUPTED, lowered));

        clock.advance(Duration.ofSeconds(100));
        var repeated = (StepResult.Wait) actions.lowerTtl(m);
        assertThat(repeated.until()).as("the wait counts from the lowering, not the repeat")
                .isEqualTo(((StepResult.Wait) lowered).until());
        assertThat(repeated.details().get("ttl")).startsWith("already lowered from 300 s to 60 s");
        clock.advance(Duration.ofSeconds(201));
        assertThat(actions.lowerTtl(m)).as("the old TTL has passed").isInstanceOf(StepResult.Done.class);

        var switched = (StepResult.Done) actions.switchDns(m);
        assertThat(switched.details().get("dns")).isEqualTo("moving.example.test → 10.1.0.7");
        assertThat(pdns.dig("moving.example.test", "A")).containsExactly("10.1.0.7");
        assertThat(ttl("moving.example.test", "A")).isEqualTo(60);
        assertThat(((StepResult.Done) actions.switchDns(m)).details().get("dns")).isEqualTo("already moving.example.test → 10.1.0.7");

        var back = (StepResult.Done) actions.dnsBack(m);
        assertThat(back.details().get("dns")).isEqualTo("moving.example.test → 10.0.0.5");
        assertThat(pdns.dig("moving.example.test", "A")).containsExactly("10.0.0.5");
        assertThat(((StepResult.Done) actions.dnsBack(m)).details().get("dns")).startsWith("already ");

        var restored = (StepResult.Done) actions.restoreTtl(m);
        assertThat(restored.details().get("ttl")).startsWith("restored 300 s");
        assertThat(ttl("moving.example.test", "A")).isEqualTo(300);
        assertThat(ttl("www.moving.example.test", "CNAME")).isEqualTo(300);
        assertThat(((StepResult.Done) actions.restoreTtl(m)).details().get("ttl")).startsWith("already 300 s");
        assertThat(dns.applied(id)).extracting(DnsRecord::ttl).containsOnly(300);
    }

    @Test
    void decommission_restores_the_ttl_at_the_new_address_and_does_the_other_steps_part() throws Exception {
        long id = deployment("leaving", "10.0.0.6");
        var actions = new MigrationDns(steps(), Optional.of(dns), migrationId -> List.of(), 60, new TestClock());
        Migration m = migration(id, "leaving", ((PlanResult.Planned) actions.plan(migration(id, "leaving", null))).plan());
        actions.lowerTtl(m);
        actions.switchDns(m);

        var done = (StepResult.Done) actions.decommission(m);

        assertThat(done.details()).containsEntry("source_vm", "destroyed").containsKey("ttl");
        assertThat(pdns.dig("leaving.example.test", "A")).containsExactly("10.1.0.7");
        assertThat(ttl("leaving.example.test", "A")).isEqualTo(300);
    }

    @Test
    void a_deployment_without_records_has_no_dns_changes_and_its_dns_steps_are_done_with_nothing_to_do() {
        long id = workspaces.insert("nameless", "demo-data", JSON.createObjectNode(), "1.12.6", "t", OffsetDateTime.now(), null).id();
        var actions = new MigrationDns(steps(), Optional.of(dns), migrationId -> List.of(), 60, new TestClock());

        var plan = ((PlanResult.Planned) actions.plan(migration(id, "nameless", null))).plan();
        Migration m = migration(id, "nameless", plan);

        assertThat(plan.dnsChanges()).isEmpty();
        assertThat(plan.ttl()).isEqualTo(new MigrationPlan.Ttl(0, 0));
        assertThat(actions.lowerTtl(m)).isEqualTo(new StepResult.Done(Map.of("ttl", "the deployment has no DNS records: no TTL to lower")));
        assertThat(actions.switchDns(m)).isInstanceOf(StepResult.Done.class);
        assertThat(actions.restoreTtl(m)).isInstanceOf(StepResult.Done.class);
    }
}
