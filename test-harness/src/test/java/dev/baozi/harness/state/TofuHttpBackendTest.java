package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.TofuCli;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real tofu binary with {@code backend "http"} pointed at the real orchestrator on a real OpenBao. */
@Tag("tofu")
class TofuHttpBackendTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static StateHttp client;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of());
        client = TestSupport.client(orchestrator);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    /** main.tf.json: the http backend on {@code ws} and terraform_data resources; the password comes from the environment. */
    private void writeConfig(String ws, Map<String, String> resources, boolean slow, ObjectNode encryption) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode terraform = root.putObject("terraform");
        terraform.putObject("backend").putObject("http")
                .put("address", client.stateUrl(ws))
                .put("lock_address", client.stateUrl(ws))
                .put("unlock_address", client.stateUrl(ws))
                .put("username", "tofu");
        if (encryption != null) {
            terraform.set("encryption", encryption);
        }
        ObjectNode data = root.putObject("resource").putObject("terraform_data");
        resources.forEach((name, input) -> data.putObject(name).put("input", input));
        if (slow) {
            ArrayNode provisioners = data.putObject("slow").put("input", "slow").putArray("provisioner");
            provisioners.addObject().putObject("local-exec").put("command", "sleep 8");
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("main.tf.json").toFile(), root);
    }

    private TofuCli tofu(String token, Map<String, String> extraEnv) {
        var env = new java.util.HashMap<>(Map.of("TF_HTTP_PASSWORD", token));
        env.putAll(extraEnv);
        return new TofuCli(dir, env);
    }

    private JsonNode currentState(String ws, String token) throws Exception {
        return StateHttp.json(client.state("GET", ws, token, null, null));
    }

    @Test
    void init_apply_plan_pull_push_and_destroy_go_through_baozi() throws Exception {
        String ws = "tofu-lifecycle";
        String token = client.token(ws, "read-write");
        writeConfig(ws, Map.of("a", "hello", "b", "world"), false, null);
        TofuCli tofu = tofu(token, Map.of());

        var init = tofu.run("init", "-input=false");
        var apply = tofu.run("apply", "-auto-approve", "-input=false");
        JsonNode afterApply = currentState(ws, token);
        var plan = tofu.run("plan", "-input=false", "-detailed-exitcode");
        var pull = tofu.run("state", "pull");

        assertThat(init.exitCode()).as(init.output()).isZero();
        assertThat(apply.exitCode()).as(apply.output()).isZero();
        assertThat(afterApply.path("resources")).hasSize(2);
        assertThat(plan.exitCode()).as(plan.output()).isZero(); // 0: no changes
        assertThat(JSON.readTree(pull.output()).path("serial").asLong()).isEqualTo(afterApply.path("serial").asLong());

        // push: a newer serial is taken; a lower one is refused by Baozi even when tofu is told to force it
        ObjectNode newer = (ObjectNode) JSON.readTree(pull.output());
        newer.put("serial", newer.path("serial").asLong() + 5);
        Files.writeString(dir.resolve("newer.tfstate"), newer.toPrettyString());
        var push = tofu.run("state", "push", "newer.tfstate");
        ObjectNode older = newer.deepCopy().put("serial", 1);
        Files.writeString(dir.resolve("older.tfstate"), older.toPrettyString());
        var forcedOld = tofu.run("state", "push", "-force", "older.tfstate");

        assertThat(push.exitCode()).as(push.output()).isZero();
        long pushedSerial = currentState(ws, token).path("serial").asLong();
        assertThat(pushedSerial).isGreaterThanOrEqualTo(newer.path("serial").asLong());
        assertThat(forcedOld.exitCode()).isNotZero();
        assertThat(forcedOld.output()).contains("409");
        assertThat(currentState(ws, token).path("serial").asLong()).isEqualTo(pushedSerial);

        var destroy = tofu.run("destroy", "-auto-approve", "-input=false");
        assertThat(destroy.exitCode()).as(destroy.output()).isZero();
        assertThat(currentState(ws, token).path("resources")).isEmpty();
        assertThat(dir.resolve("errored.tfstate")).doesNotExist();
    }

    @Test
    void a_second_apply_fails_on_the_lock_and_shows_who_holds_it() throws Exception {
        String ws = "tofu-lock-race";
        String token = client.token(ws, "read-write");
        writeConfig(ws, Map.of("a", "one"), true, null);
        TofuCli tofu = tofu(token, Map.of());
        assertThat(tofu.run("init", "-input=false").ok()).isTrue();

        var first = tofu.start("apply", "-auto-approve", "-input=false");
        Deadline.await("the first apply to take the lock", Duration.ofSeconds(60),
                () -> call(() -> client.admin("GET", "/api/v1/workspaces/" + ws + "/lock", null).statusCode() == 200));
        JsonNode holder = JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/lock", null).body());
        var second = tofu.run("apply", "-auto-approve", "-input=false", "-lock-timeout=0s");
        var firstDone = first.await(Duration.ofMinutes(2));

        assertThat(second.exitCode()).isNotZero();
        assertThat(second.output()).contains("Error acquiring the state lock")
                .contains(holder.path("info").path("ID").asText())
                .contains(holder.path("info").path("Who").asText());
        assertThat(firstDone.exitCode()).as(firstDone.output()).isZero();
        assertThat(client.admin("GET", "/api/v1/workspaces/" + ws + "/lock", null).statusCode()).isEqualTo(404);
    }

    @Test
    void force_unlock_releases_a_lock_left_by_a_dead_run() throws Exception {
        String ws = "tofu-force-unlock";
        String token = client.token(ws, "read-write");
        writeConfig(ws, Map.of("a", "x"), false, null);
        TofuCli tofu = tofu(token, Map.of());
        assertThat(tofu.run("init", "-input=false").ok()).isTrue();
        client.state("LOCK", ws, token, StateHttp.lockInfo("dead-run-1", "ci@gone"), null);

        var blocked = tofu.run("plan", "-input=false", "-lock-timeout=0s");
        var unlock = tofu.run("force-unlock", "-force", "dead-run-1");
        var plan = tofu.run("plan", "-input=false", "-lock-timeout=0s");

        assertThat(blocked.exitCode()).isNotZero();
        assertThat(blocked.output()).contains("dead-run-1");
        assertThat(unlock.exitCode()).as(unlock.output()).isZero();
        assertThat(plan.exitCode()).as(plan.output()).isZero();
    }

    @Test
    void a_state_encrypted_with_openbao_transit_is_stored_as_ciphertext_only() throws Exception {
        String ws = "tofu-encrypted";
        String token = client.token(ws, "read-write");
        bao.rootAdmin().write("baozi-transit/keys/tofu-state", null);
        ObjectNode encryption = JSON.createObjectNode();
        encryption.putObject("key_provider").putObject("openbao").putObject("transit")
                .put("key_name", "tofu-state")
                .put("address", bao.address().toString())
                .put("transit_engine_path", "/baozi-transit");
        encryption.putObject("method").putObject("aes_gcm").putObject("gcm").put("keys", "${key_provider.openbao.transit}");
        // A static reference: in JSON syntax a plain traversal string, not a template.
        encryption.putObject("state").put("method", "method.aes_gcm.gcm");
        writeConfig(ws, Map.of("secret_bearing", "plaintext-canary-4711"), false, encryption);
        TofuCli tofu = tofu(token, Map.of("BAO_TOKEN", bao.devRootToken()));

        var init = tofu.run("init", "-input=false");
        var apply = tofu.run("apply", "-auto-approve", "-input=false");
        var plan = tofu.run("plan", "-input=false", "-detailed-exitcode");
        String stored = new String(client.state("GET", ws, token, null, null).body(), StandardCharsets.UTF_8);

        assertThat(init.exitCode()).as(init.output()).isZero();
        assertThat(apply.exitCode()).as(apply.output()).isZero();
        assertThat(plan.exitCode()).as(plan.output()).isZero();
        assertThat(stored).contains("encrypted_data").doesNotContain("plaintext-canary-4711").doesNotContain("terraform_data");
    }

    private interface Call {
        boolean get() throws Exception;
    }

    private static boolean call(Call call) {
        try {
            return call.get();
        } catch (Exception e) {
            return false;
        }
    }
}
