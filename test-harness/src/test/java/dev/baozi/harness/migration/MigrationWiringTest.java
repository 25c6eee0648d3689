package dev.baozi.harness.migration;

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
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.NetBoxClient;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.CloneRequest;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator's own migration steps as it wires them (no fake): two simulated providers
 * registered through the API, a real NetBox and OpenBao, the migration asked for and decided on
 * through the API.
 */
@Tag("netbox")
@Tag("openbao")
class MigrationWiringTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TARGET_POOL = "10.64.0.0/24";

    @TempDir
    static Path sharedBackups;

    private static OpenBaoServer bao;
    private static ProxmoxSimulator simA;
    private static ProxmoxSimulator simB;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        var options = ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(50)).withSharedBackupDir(sharedBackups);
        simA = ProxmoxSimulator.start(options);
        simB = ProxmoxSimulator.start(options.withToken("baozi@pve!migrate", "secret-of-cluster-b"));
        NetBoxServer.shared().createPrefix(TARGET_POOL);
    }

    @AfterAll
    static void stop() {
        simA.close();
        simB.close();
        bao.close();
    }

    private static JsonNode await(ApiClient client, long id, String what, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        Deadline.await("migration " + id + " " + what, WAIT, () -> {
            last[0] = client.get("/workspaces/web/migrations/" + id).body();
            return condition.test(last[0]);
        });
        return last[0];
    }

    private static boolean at(JsonNode m, String status, String step) {
        return m.path("status").asText().equals(status) && m.path("step").asText().equals(step);
    }

    @Test
    void a_migration_plans_on_the_real_providers_backs_up_passes_the_ttl_step_without_names_waits_for_the_cutover_and_rolls_back() {
        var netbox = NetBoxServer.shared();
        var env = Map.of("BAOZI_DB_URL", "jdbc:h2:mem:migration-wiring-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "BAOZI_NETBOX_URL", netbox.url().toString(), "BAOZI_NETBOX_TOKEN", netbox.token());
        var pveA = ProxmoxClient.connect(simA.baseUrl(), new ApiToken(simA.tokenId(), simA.tokenSecret()),
                TlsSettings.fingerprint(simA.tls().fingerprint()));
        pveA.await(pveA.clone("pve1", 9000, CloneRequest.full(701, "web")), WAIT);
        pveA.await(pveA.start("pve1", 701), WAIT);
        var addresses = new AddressReservations(NetBoxClient.connect(netbox.url(), netbox.token(), WAIT));

        try (Orchestrator orchestrator = TestSupport.orchestrator(bao, env)) {
            var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
            TestSupport.registerSimulator(admin, simA, "sim-a");
            TestSupport.registerSimulator(admin, simB, "sim-b");
            var inputs = ApiClient.JSON.createObjectNode(); // no DNS names: this orchestrator has no DNS (dns.zones) set up
            new WorkspaceRepository(orchestrator.database().dsl()).insert("web", "deployment", inputs, "1.12.6", "test",
                    OffsetDateTime.now(), "sim-a");
            var operator = admin.user("mover", "operator");
            var approver = admin.user("checker", "approver");

            var created = operator.post("/workspaces/web/migrations", Map.of("target_provider", "sim-b", "target_pool", TARGET_POOL,
                    "target_storage", "local-lvm", "target_bridge", "vmbr0"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            long id = created.body().path("id").asLong();
            JsonNode planned = await(operator, id, "awaits approval of its plan", m -> at(m, "awaiting_approval", "plan")
                    || m.path("status").asText().equals("paused"));
            assertThat(planned.path("status").asText()).as(planned.toString()).isEqualTo("awaiting_approval");
            String key = "web-migration-" + id;
            assertThat(addresses.allHeld(key)).hasSize(1);
            assertThat(planned.toString()).contains(addresses.allHeld(key).getFirst().address())
                    .contains("the deployment has no DNS names");

            assertThat(approver.post("/workspaces/web/migrations/" + id + "/approve", Map.of("step", "plan")).status()).isEqualTo(200);
            JsonNode waiting = await(operator, id, "waits for the cutover's approval", m -> at(m, "awaiting_approval", "cutover"));
            assertThat(waiting.toString()).contains("the deployment has no DNS records: no TTL to lower");
            assertThat(pveA.backups("pve1", "shared-backup", 701)).hasSize(1);

            assertThat(approver.post("/workspaces/web/migrations/" + id + "/rollback", Map.of("comment", "not today")).status())
                    .isEqualTo(200);
            JsonNode rolledBack = await(operator, id, "is rolled back", m -> m.path("status").asText().equals("rolled_back"));
            assertThat(rolledBack.toString()).contains("the deployment has no address records: nothing to point");
            assertThat(addresses.allHeld(key)).as("the reserved address given back").isEmpty();
            assertThat(pveA.status("pve1", 701).running()).isTrue();
            assertThat(simB.vms()).noneMatch(v -> v.name().equals("web"));
        }
    }
}
