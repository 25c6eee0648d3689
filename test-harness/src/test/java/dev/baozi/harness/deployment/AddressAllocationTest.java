package dev.baozi.harness.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Addresses for many deployments at once from one small pool, through Baozi and the real NetBox:
 * 32 deployments plan at the same moment against a /27 (30 addresses). Reserving happens before
 * a run waits for a tofu slot, so the 32 reservations really race.
 */
@Tag("tofu")
@Tag("netbox")
class AddressAllocationTest {

    private static final String POOL = "10.30.0.0/27";
    private static final Pattern RESERVED = Pattern.compile("reserved (10\\.30\\.0\\.\\d+/27) in prefix");

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static NetBoxServer netbox;
    private static Orchestrator orchestrator;
    private static ApiClient operator;

    @BeforeAll
    static void start() {
        netbox = NetBoxServer.shared();
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(20)));
        netbox.createPrefix(POOL);
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_NETBOX_URL", netbox.url().toString(),
                "BAOZI_NETBOX_TOKEN", netbox.token(), "BAOZI_RUNS_MAX_CONCURRENT", "2"));
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("alloc", "operator");
        TestSupport.registerSimulator(admin, sim, "lab");
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        sim.close();
        bao.close();
    }

    private static String log(long run) {
        return operator.get("/runs/" + run + "/logs").body().toString();
    }

    @Test
    void thirty_two_deployments_racing_for_a_slash_27_get_thirty_distinct_addresses_two_clear_refusals_and_nothing_is_lost()
            throws Exception {
        int n = 32;
        for (int i = 0; i < n; i++) {
            var created = operator.post("/workspaces", Map.of("name", "race-" + i, "template", "deployment", "provider", "lab",
                    "inputs", Map.of("hostname", "race-" + i + ".example.test", "pool", POOL)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        List<Callable<Long>> queue = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ws = "race-" + i;
            queue.add(() -> operator.post("/workspaces/" + ws + "/runs", Map.of()).body().path("id").asLong());
        }
        List<Long> runs = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(n)) {
            for (var f : pool.invokeAll(queue)) {
                runs.add(f.get());
            }
        }

        Deadline.await("every run to have reserved an address or to have been refused one", Duration.ofMinutes(3), () ->
                runs.stream().allMatch(id -> RESERVED.matcher(log(id)).find()
                        || operator.get("/runs/" + id).body().path("status").asText().equals("errored")));
        List<String> addresses = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (long id : runs) {
            Matcher m = RESERVED.matcher(log(id));
            if (m.find()) {
                addresses.add(m.group(1));
            } else {
                refusals.add(operator.get("/runs/" + id).body().path("error").asText());
            }
        }
        List<JsonNode> inNetBox = netbox.addressesIn(POOL);
        StringBuilder ends = new StringBuilder();
        for (long id : runs) {
            JsonNode r = operator.get("/runs/" + id).body();
            ends.append("\nrun ").append(id).append(' ').append(r.path("status").asText()).append(' ').append(r.path("error").asText(""));
        }

        for (long id : runs) {
            operator.post("/runs/" + id + "/cancel", Map.of());
        }
        Deadline.await("every run to end", Duration.ofMinutes(3), () -> runs.stream().allMatch(id -> {
            String status = operator.get("/runs/" + id).body().path("status").asText();
            if (status.equals("planned")) {
                operator.post("/runs/" + id + "/cancel", Map.of());
            }
            return Set.of("canceled", "errored", "discarded").contains(status);
        }));
        Deadline.await("every reservation to be given back", Duration.ofSeconds(60), () -> netbox.addressesIn(POOL).isEmpty());

        assertThat(addresses).as(ends.toString()).hasSize(30);
        assertThat(new HashSet<>(addresses)).as("no address twice").hasSize(30);
        assertThat(refusals).hasSize(2).allMatch(e -> e.equals("prefix " + POOL + " has no free address"), "the pool's refusal");
        assertThat(inNetBox).as(ends.toString()).hasSize(30);
        assertThat(inNetBox).allMatch(a -> a.path("tags").findValuesAsText("slug").stream().anyMatch(t -> t.startsWith("baozi-race-")));
        Set<String> owners = new HashSet<>();
        inNetBox.forEach(a -> a.path("tags").findValuesAsText("slug").stream().filter(t -> t.startsWith("baozi-race-")).forEach(owners::add));
        assertThat(owners).as("one address per deployment").hasSize(30);
    }
}
