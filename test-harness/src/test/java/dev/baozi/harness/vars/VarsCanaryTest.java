package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Folders;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.browser.Browser;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.harness.proxmox.VmView;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.vars.VarsSteps;
import dev.baozi.vars.delivery.DeliveryPlan;
import dev.baozi.vars.delivery.MachineFetch;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.openbao.OpenBaoRefusedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The canary: a deployment whose generators make recognisable secrets goes through plan and apply
 * on real parts (OpenBao, tofu, NetBox, the Proxmox simulator with the real bpg provider); its VM
 * gets its secrets through the wrapped token its guest agent received. Then every place Baozi keeps
 * or shows anything is searched for every secret value: the tofu state (every version), the run
 * logs, every table of the database, the API's answers, the UI's pages, and what the VM was given.
 */
@Tag("tofu")
@Tag("netbox")
@Tag("browser")
class VarsCanaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String PROMPTED = "prompted-canary-" + UUID.randomUUID();
    /** What the script makes of the prompt: recognisable, and in no file of the template. */
    private static final String CANARY = "canary-" + new StringBuilder(PROMPTED).reverse();
    private static final String PASSWORD = "a password for the canary's admin";
    /** The value of a sensitive input. */
    private static final String INPUT = "input-canary-" + UUID.randomUUID();

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;

    private static Path templates() throws IOException {
        Path dir = Files.createTempDirectory("canary-templates");
        Folders.delete(dir);
        Folders.copy(TestStack.repoRoot().resolve("tf-modules"), dir);
        Folders.copy(dir.resolve("deployment"), dir.resolve("canary-app"));
        // and a sensitive input, whose value must be as hidden as the generated ones
        Path variables = dir.resolve("canary-app/variables.tf.json");
        var declared = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(variables.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) declared.path("variable")).putObject("support_pin")
                .put("type", "string").put("sensitive", true).put("description", "a sensitive input nothing shows");
        JSON.writeValue(variables.toFile(), declared);
        Files.writeString(dir.resolve("canary-app/vars.json"), """
                {"generators": {
                  "canary": {"kind": "script", "files": {"token": {"secret": true}},
                             "params": {"script": "printf 'canary-%s' \\"$(rev < $prompts/seed)\\" > $out/token"},
                             "prompts": {"seed": {"description": "a seed", "type": "hidden", "persist": true}}},
                  "db": {"kind": "password", "params": {"length": 48}},
                  "host-key": {"kind": "ed25519", "params": {"comment": "canary host"}},
                  "canary-ca": {"kind": "ca", "share": true, "params": {"subject": "CN=Canary CA"}},
                  "tls": {"kind": "ca-signed-certificate", "params": {"ca": "canary-ca", "subject": "canary.example.test"}}
                }}""");
        return dir;
    }

    @BeforeAll
    static void start() throws IOException {
        NetBoxServer netbox = NetBoxServer.shared();
        netbox.createPrefix("10.70.0.0/24");
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(20)));
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_TOFU_TEMPLATES_DIR", templates().toString(),
                "BAOZI_NETBOX_URL", netbox.url().toString(), "BAOZI_NETBOX_TOKEN", netbox.token()));
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("cora", "operator");
        approver = admin.user("carl", "approver");
        assertThat(admin.post("/users", Map.of("name", "clara", "role", "admin", "password", PASSWORD)).status()).isEqualTo(201);
        TestSupport.registerSimulator(admin, sim, "lab");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        sim.close();
        bao.close();
    }

    @Test
    void no_secret_value_is_in_state_logs_database_api_or_ui_and_the_vm_gets_each_one_once() throws Exception {
        assertThat(operator.post("/workspaces", Map.of("name", "canary", "template", "canary-app", "provider", "lab",
                "inputs", Map.of("hostname", "canary.example.test", "pool", "10.70.0.0/24", "agent_enabled", true,
                        "support_pin", INPUT))).status())
                .isEqualTo(201);
        assertThat(operator.call("PUT", "/workspaces/canary/vars/canary/seed", Map.of("value", PROMPTED)).status()).isEqualTo(200);
        long id = operator.post("/workspaces/canary/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned");
        assertThat(approver.post("/runs/" + id + "/approve", Map.of()).status()).isEqualTo(200);
        operator.awaitRun(id, WAIT, "applied");

        // every secret value Baozi made, as an admin reads them
        Map<String, String> secrets = new LinkedHashMap<>();
        for (JsonNode g : admin.get("/workspaces/canary/vars").body().path("generators")) {
            for (JsonNode f : g.path("files")) {
                if (f.path("secret").asBoolean()) {
                    String where = g.path("name").asText() + "/" + f.path("file").asText();
                    secrets.put(where, admin.get("/workspaces/canary/vars/" + where).body().path("value").asText());
                }
            }
        }
        assertThat(secrets).containsKeys("canary/token", "canary/seed", "db/password", "host-key/id_ed25519", "tls/key.pem");
        assertThat(secrets.get("canary/token")).isEqualTo(CANARY);

        // the VM's guest agent received the delivery: unwrapping it once gives exactly the delivered secrets
        VmView vm = sim.vms().stream().filter(v -> "canary".equals(v.config().get("name"))).findFirst().orElseThrow();
        String delivered = sim.guestFile(vm.vmid(), VarsSteps.GUEST_FILE).orElseThrow();
        JsonNode envelope = JSON.readTree(delivered);
        var machine = MachineFetch.over(java.net.URI.create(envelope.path("openbao").asText()), Duration.ofSeconds(10));
        Map<String, FileValue> fetched = machine.fetch(envelope.path("wrapping_token").asText(),
                DeliveryPlan.fromJson(envelope.path("plan")));

        assertThat(fetched.get("canary/token").text()).isEqualTo(secrets.get("canary/token"));
        assertThat(fetched.get("db/password").text()).isEqualTo(secrets.get("db/password"));
        assertThat(fetched).doesNotContainKey("canary-ca/key.pem");
        assertThatThrownBy(() -> machine.unwrap(envelope.path("wrapping_token").asText()))
                .as("the token unwraps once").isInstanceOf(OpenBaoRefusedException.class);

        // then: search everywhere
        List<String> places = new ArrayList<>();
        places.add("what the VM was given: " + delivered);
        for (JsonNode v : admin.get("/workspaces/canary/state/versions").body().path("versions")) {
            places.add("state version " + v.path("version").asText() + ": "
                    + admin.get("/workspaces/canary/state/versions/" + v.path("version").asText()).body());
        }
        assertThat(places).hasSizeGreaterThan(1);
        for (JsonNode run : admin.get("/workspaces/canary/runs").body().path("runs")) {
            long r = run.path("id").asLong();
            places.add("run " + r + ": " + admin.get("/runs/" + r).body());
            places.add("plan of run " + r + ": " + admin.get("/runs/" + r + "/plan").body());
            places.add("log of run " + r + ": " + admin.get("/runs/" + r + "/logs").body());
        }
        for (String path : List.of("/workspaces", "/workspaces/canary", "/workspaces/canary/files", "/workspaces/canary/vars",
                "/audit?limit=1000", "/templates", "/providers", "/pools", "/locks")) {
            places.add("GET " + path + ": " + admin.get(path).body());
        }
        var dsl = orchestrator.database().dsl();
        for (var table : dev.baozi.orchestrator.db.jooq.DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            places.add("table " + table.getName() + ": " + dsl.selectFrom(table).fetch().formatCSV());
        }
        try (Browser browser = Browser.start()) {
            String base = "http://127.0.0.1:" + orchestrator.port();
            browser.driver().get(base + "/login");
            browser.waitFor(By.id("name"), WAIT).sendKeys("clara");
            browser.driver().findElement(By.id("password")).sendKeys(PASSWORD);
            browser.driver().findElement(By.cssSelector("form button[type=submit]")).click();
            browser.waitUntil(WAIT, "the password page", () -> browser.driver().getCurrentUrl().endsWith("/password"));
            browser.driver().findElement(By.id("current")).sendKeys(PASSWORD);
            browser.driver().findElement(By.id("next")).sendKeys(PASSWORD + " again");
            browser.driver().findElement(By.id("repeat")).sendKeys(PASSWORD + " again");
            browser.driver().findElement(By.cssSelector("main form button[type=submit]")).click();
            browser.waitUntil(WAIT, "the workspace list", () -> browser.driver().getCurrentUrl().contains("/workspaces"));
            for (String page : List.of("/workspaces", "/workspaces/canary", "/runs/" + id, "/audit", "/pools")) {
                browser.driver().get(base + page);
                places.add("page " + page + ": " + browser.driver().getPageSource());
            }
        }

        for (var secret : secrets.entrySet()) {
            // a long value (a PEM key) is probed by a stretch from its body, past the headers everyone shares
            String value = secret.getValue();
            String probe = value.length() > 64 ? value.substring(value.length() / 2 - 20, value.length() / 2 + 20) : value;
            for (String place : places) {
                assertThat(place).as("secret %s in %s", secret.getKey(), place.substring(0, Math.min(60, place.length())))
                        .doesNotContain(probe);
            }
        }
        for (String place : places) {
            assertThat(place).doesNotContain(CANARY).doesNotContain(PROMPTED).doesNotContain(INPUT);
        }
    }
}
