package dev.baozi.harness.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.dns.PowerDnsServer;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.harness.proxmox.VmView;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Deployments end to end on real parts: NetBox 4.7 (addresses), PowerDNS through octoDNS (records),
 * the Proxmox simulator (VMs) driven by the real bpg provider, OpenBao and tofu. One plan shows the
 * VM, the concrete address and the DNS records; one approval applies them in order.
 */
@Tag("tofu")
@Tag("netbox")
@Tag("slow")
class DeploymentRunTest {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String PREFIX = "10.20.0.0/24";

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static PowerDnsServer pdns;
    private static NetBoxServer netbox;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;

    @BeforeAll
    static void start() {
        netbox = NetBoxServer.shared();
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)));
        pdns = PowerDnsServer.startTemporary();
        netbox.createPrefix(PREFIX);
        Map<String, String> env = new HashMap<>();
        env.put("BAOZI_NETBOX_URL", netbox.url().toString());
        env.put("BAOZI_NETBOX_TOKEN", netbox.token());
        env.put("BAOZI_DNS_ZONES", "example.test,second.test,third.test,many.test");
        env.put("BAOZI_DNS_POWERDNS_URL", pdns.apiUrl().toString());
        env.put("BAOZI_DNS_POWERDNS_API_KEY", pdns.apiKey());
        env.put("BAOZI_DNS_BASE_CONFIG", TestStack.repoRoot().resolve("octodns-config/baozi.yaml").toString());
        env.put("BAOZI_RUNS_MAX_CONCURRENT", "3");
        orchestrator = TestSupport.orchestrator(bao, env);
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("dora", "operator");
        approver = admin.user("dirk", "approver");
        TestSupport.registerSimulator(admin, sim, "lab");
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {pdns, sim, bao}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("stopping " + c, e);
                }
            }
        }
    }

    private static ApiClient.Answer deployment(String name, Map<String, Object> inputs) {
        return operator.post("/workspaces", Map.of("name", name, "template", "deployment", "provider", "lab", "inputs", inputs));
    }

    private static long queue(String workspace, Map<String, Object> body) {
        var queued = operator.post("/workspaces/" + workspace + "/runs", body);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
        return queued.body().path("id").asLong();
    }

    private static JsonNode approveAndApply(long id, Map<String, Object> approval) {
        var approved = approver.post("/runs/" + id + "/approve", approval);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        return operator.awaitRun(id, WAIT, "applied");
    }

    private static List<JsonNode> tagged(String deployment) {
        List<JsonNode> found = new ArrayList<>();
        var answer = netbox.api("GET", "/api/ipam/ip-addresses/?tag=baozi-" + deployment, null);
        if (answer.statusCode() == 200) {
            try {
                ApiClient.JSON.readTree(answer.body()).path("results").forEach(found::add);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    private static String changes(JsonNode plan) {
        return plan.path("resource_changes").toString();
    }

    /** The run's DNS side plan, as its JSON shows it. */
    private static JsonNode dns(JsonNode run) {
        for (JsonNode side : run.path("sidePlans")) {
            if (side.path("kind").asText().equals("dns")) {
                return side;
            }
        }
        throw new AssertionError("run " + run.path("id").asText() + " has no DNS side plan: " + run);
    }

    @Test
    void one_plan_shows_the_vm_the_address_and_the_records_and_one_approval_applies_and_later_destroys_them() {
        var created = deployment("shop", Map.of("hostname", "shop.example.test", "aliases", List.of("www.example.test"),
                "pool", PREFIX, "gateway", "10.20.0.254", "cores", 2));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        long id = queue("shop", Map.of());
        JsonNode planned = operator.awaitRun(id, WAIT, "planned");
        JsonNode plan = operator.get("/runs/" + id + "/plan").body();
        String address = tagged("shop").getFirst().path("address").asText();
        String ip = address.substring(0, address.indexOf('/'));
        String reservedStatus = tagged("shop").getFirst().path("status").path("value").asText();

        assertThat(address).startsWith("10.20.0.").endsWith("/24");
        assertThat(reservedStatus).isEqualTo("reserved");
        assertThat(planned.path("summary").path("adds").asInt()).as(planned.toString()).isEqualTo(1);
        assertThat(dns(planned).path("changes").asInt()).isEqualTo(2);
        assertThat(changes(plan)).contains("module.deployment.module.ip.netbox_ip_address.this[0]").contains(address)
                .contains("module.deployment.module.vm.proxmox_virtual_environment_vm.vm");
        assertThat(dns(planned).path("document").toString()).contains("\"name\":\"shop\"").contains(ip).contains("\"name\":\"www\"")
                .contains("shop.example.test.");
        assertThat(operator.get("/runs/" + id + "/logs").body().toString()).contains("reserved " + address)
                .doesNotContain(netbox.token()).doesNotContain(pdns.apiKey());

        JsonNode applied = approveAndApply(id, Map.of());
        JsonNode nb = tagged("shop").getFirst();
        VmView vm = sim.vms().stream().filter(v -> "shop".equals(v.config().get("name"))).findFirst().orElseThrow();

        assertThat(applied.path("error").isNull()).isTrue();
        assertThat(pdns.dig("shop.example.test", "A")).containsExactly(ip);
        assertThat(pdns.dig("www.example.test", "CNAME")).containsExactly("shop.example.test.");
        assertThat(nb.path("status").path("value").asText()).isEqualTo("active");
        assertThat(nb.path("dns_name").asText()).isEqualTo("shop.example.test");
        assertThat(nb.path("tags").findValuesAsText("slug")).contains("baozi", "baozi-shop");
        assertThat(vm.config()).containsEntry("ipconfig0", "gw=10.20.0.254,ip=" + address);
        assertThat(dns(operator.awaitRun(queue("shop", Map.of()), WAIT, "planned_no_changes")).path("changes").asInt()).isZero();

        long destroy = queue("shop", Map.of("destroy", true));
        JsonNode destroyPlan = operator.awaitRun(destroy, WAIT, "planned");
        approveAndApply(destroy, Map.of("confirm_destroy", true));

        assertThat(destroyPlan.path("summary").path("destroys").asInt()).isEqualTo(2);
        assertThat(dns(destroyPlan).path("changes").asInt()).isEqualTo(2);
        assertThat(pdns.dig("shop.example.test", "A")).isEmpty();
        assertThat(pdns.dig("www.example.test", "CNAME")).isEmpty();
        assertThat(tagged("shop")).isEmpty();
        assertThat(netbox.addressesIn(PREFIX)).noneMatch(a -> a.path("address").asText().equals(address));
        assertThat(sim.vms()).noneMatch(v -> "shop".equals(v.config().get("name")));
    }

    @Test
    void a_record_changed_behind_baozis_back_is_planned_back_and_an_apply_with_the_old_checksum_is_refused() {
        assertThat(deployment("drift", Map.of("hostname", "drift.second.test", "pool", PREFIX)).status()).isEqualTo(201);
        approveAndApply(operator.awaitRun(queue("drift", Map.of()), WAIT, "planned").path("id").asLong(), Map.of());
        String ip = pdns.dig("drift.second.test", "A").getFirst();
        String change = """
                {"rrsets": [{"name": "drift.second.test.", "type": "A", "ttl": 300, "changetype": "REPLACE",
                  "records": [{"content": "%s", "disabled": false}]}]}""";
        assertThat(pdns.api("PATCH", "/zones/second.test.", change.formatted("198.51.100.1")).statusCode()).isEqualTo(204);

        long id = queue("drift", Map.of());
        JsonNode planned = operator.awaitRun(id, WAIT, "planned");
        assertThat(pdns.api("PATCH", "/zones/second.test.", change.formatted("198.51.100.2")).statusCode()).isEqualTo(204);
        approver.post("/runs/" + id + "/approve", Map.of());
        JsonNode errored = operator.awaitRun(id, WAIT, "errored");

        assertThat(planned.path("summary").path("adds").asInt() + planned.path("summary").path("changes").asInt()).isZero();
        assertThat(dns(planned).path("changes").asInt()).isEqualTo(1);
        assertThat(dns(planned).path("document").toString()).contains("198.51.100.1").contains(ip);
        assertThat(errored.path("error").asText()).startsWith("the DNS step failed (tofu had nothing to do)")
                .contains("zone second.test changed since the plan");
        assertThat(pdns.dig("drift.second.test", "A")).as("nothing was changed").containsExactly("198.51.100.2");

        long again = queue("drift", Map.of());
        approveAndApply(operator.awaitRun(again, WAIT, "planned").path("id").asLong(), Map.of());
        assertThat(pdns.dig("drift.second.test", "A")).containsExactly(ip);
    }

    @Test
    void when_the_dns_step_fails_after_tofu_applied_the_run_says_so_and_the_next_run_converges() {
        assertThat(deployment("half-a", Map.of("hostname", "a.third.test", "pool", PREFIX)).status()).isEqualTo(201);
        approveAndApply(operator.awaitRun(queue("half-a", Map.of()), WAIT, "planned").path("id").asLong(), Map.of());
        String aIp = pdns.dig("a.third.test", "A").getFirst();
        assertThat(deployment("half-b", Map.of("hostname", "b.third.test", "pool", PREFIX)).status()).isEqualTo(201);
        long id = queue("half-b", Map.of());
        operator.awaitRun(id, WAIT, "planned");
        // the zone changes between plan and apply: the approved DNS plan no longer holds
        assertThat(pdns.api("PATCH", "/zones/third.test.", """
                {"rrsets": [{"name": "a.third.test.", "type": "A", "ttl": 300, "changetype": "REPLACE",
                  "records": [{"content": "198.51.100.9", "disabled": false}]}]}""").statusCode()).isEqualTo(204);

        approver.post("/runs/" + id + "/approve", Map.of());
        JsonNode errored = operator.awaitRun(id, WAIT, "errored");
        boolean vmMade = sim.vms().stream().anyMatch(v -> "b".equals(v.config().get("name")));
        long again = queue("half-b", Map.of());
        JsonNode converging = operator.awaitRun(again, WAIT, "planned");
        approveAndApply(again, Map.of());

        assertThat(errored.path("error").asText()).startsWith("the DNS step failed after tofu applied (1 to add, 1 to change")
                .contains("zone third.test changed since the plan").endsWith("queue a new run to finish it");
        assertThat(vmMade).as("tofu's part was applied").isTrue();
        assertThat(pdns.dig("b.third.test", "A")).as("converged").hasSize(1);
        assertThat(converging.path("summary").path("adds").asInt()).as("tofu has nothing left to do").isZero();
        assertThat(dns(converging).path("changes").asInt()).isEqualTo(2); // b created, a's drift put back
        assertThat(pdns.dig("a.third.test", "A")).containsExactly(aIp);
        assertThat(operator.awaitRun(queue("half-b", Map.of()), WAIT, "planned_no_changes").path("status").asText())
                .isEqualTo("planned_no_changes");
    }

    @Test
    void dns_changes_over_octodns_thresholds_need_force_dns_on_the_approval() {
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            aliases.add("alias" + i + ".many.test");
        }
        assertThat(deployment("wide", Map.of("hostname", "wide.many.test", "aliases", aliases, "pool", PREFIX)).status()).isEqualTo(201);
        approveAndApply(operator.awaitRun(queue("wide", Map.of()), WAIT, "planned").path("id").asLong(), Map.of());
        assertThat(operator.call("PATCH", "/workspaces/wide", Map.of("inputs", Map.of("dns_ttl", 900))).status()).isEqualTo(200);

        long id = queue("wide", Map.of());
        JsonNode planned = operator.awaitRun(id, WAIT, "planned");
        var unforced = approver.post("/runs/" + id + "/approve", Map.of());
        JsonNode applied = approveAndApply(id, Map.of("force_dns", true));

        assertThat(dns(planned).path("changes").asInt()).isEqualTo(13);
        assertThat(dns(planned).path("forceReason").asText()).contains("Too many updates");
        assertThat(unforced.status()).isEqualTo(409);
        assertThat(unforced.error()).contains("changes DNS past its safety thresholds").contains("approve with force: [\"dns\"]");
        assertThat(dns(applied).path("forced").asBoolean()).isTrue();
        assertThat(pdns.api("GET", "/zones/many.test.", null).body()).contains("\"ttl\": 900");
    }

    @Test
    void bad_names_and_unknown_pools_are_refused_with_a_message_and_nothing_is_allocated() {
        var badName = deployment("bad-name", Map.of("hostname", "-shop.example.test", "pool", PREFIX));
        var outside = deployment("outside", Map.of("hostname", "shop.elsewhere.org", "pool", PREFIX));
        var apexAlias = deployment("apex", Map.of("hostname", "apex.example.test", "aliases", List.of("example.test"), "pool", PREFIX));
        var unknownPool = deployment("no-pool", Map.of("hostname", "nopool.example.test", "pool", "10.99.0.0/24"));
        var notAPool = deployment("not-pool", Map.of("hostname", "notpool.example.test", "pool", "ten"));
        var supplied = deployment("supplied", Map.of("hostname", "s.example.test", "pool", PREFIX, "ip_address", "10.20.0.9/24"));

        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.error()).contains("hostname: '-shop.example.test' is not a valid host name");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.error()).contains("hostname: 'shop.elsewhere.org' is in none of the zones Baozi manages (example.test, many.test, second.test, third.test)");
        assertThat(apexAlias.status()).isEqualTo(400);
        assertThat(apexAlias.error()).contains("is the apex of zone example.test, which cannot hold a CNAME");
        assertThat(unknownPool.status()).isEqualTo(400);
        assertThat(unknownPool.error()).contains("pool: NetBox has no prefix 10.99.0.0/24");
        assertThat(notAPool.status()).isEqualTo(400);
        assertThat(notAPool.error()).contains("pool: 'ten' is neither a prefix");
        assertThat(supplied.status()).isEqualTo(400);
        assertThat(supplied.error()).contains("variable ip_address: Baozi supplies it itself");
        assertThat(operator.get("/workspaces/bad-name").status()).isEqualTo(404);
        for (String refused : List.of("bad-name", "outside", "apex", "no-pool", "not-pool", "supplied")) {
            assertThat(tagged(refused)).as("nothing allocated for " + refused).isEmpty();
            assertThat(netbox.addressesIn(PREFIX)).noneMatch(a -> a.path("description").asText().contains("deployment " + refused + " "));
        }
    }

    @Test
    void a_discarded_plan_gives_its_reserved_address_back() {
        assertThat(deployment("undecided", Map.of("hostname", "undecided.example.test", "pool", PREFIX)).status()).isEqualTo(201);
        long id = queue("undecided", Map.of());
        operator.awaitRun(id, WAIT, "planned");
        assertThat(tagged("undecided")).hasSize(1);

        approver.post("/runs/" + id + "/discard", Map.of("comment", "not yet"));

        dev.baozi.harness.Deadline.await("the reservation to be given back", Duration.ofSeconds(20), () -> tagged("undecided").isEmpty());
        assertThat(operator.get("/runs/" + id + "/logs").body().toString()).contains("gave back");
    }
}
