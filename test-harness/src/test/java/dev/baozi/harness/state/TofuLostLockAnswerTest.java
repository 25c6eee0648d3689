package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.TofuCli;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real tofu, its http backend pointed at the orchestrator through a {@link LostAnswerProxy}
 * that loses the answer to the first LOCK: tofu's retry of that LOCK (same lock ID) must be taken.
 */
@Tag("tofu")
class TofuLostLockAnswerTest {

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

    /**
     * main.tf.json: the http backend on {@code address} with one terraform_data resource.
     *
     * <p>Why tofu retries the LOCK: OpenTofu's http backend ({@code internal/backend/remote-state/http/backend.go})
     * sends every request through a {@code retryablehttp.Client} whose {@code RetryMax} is {@code retry_max}
     * (default 2, {@code TF_HTTP_RETRY_MAX}), waiting {@code retry_wait_min}..{@code retry_wait_max} seconds
     * between attempts; {@code client.go}'s {@code Lock} sends the same {@code info.Marshal()} body (same ID) on
     * every attempt. go-retryablehttp's {@code DefaultRetryPolicy} retries any transport error (a connection
     * closed before the answer is one; only redirect, scheme, header and certificate errors are not) and 429 or
     * 5xx answers except 501, never a 423 or 409. We set the retry settings explicitly (3 retries, 1 to 2 s apart)
     * so the test does not lean on defaults.
     */
    private void writeConfig(String address) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("terraform").putObject("backend").putObject("http")
                .put("address", address)
                .put("lock_address", address)
                .put("unlock_address", address)
                .put("username", "tofu")
                .put("retry_max", 3)
                .put("retry_wait_min", 1)
                .put("retry_wait_max", 2);
        root.putObject("resource").putObject("terraform_data").putObject("a").put("input", "lost-answer");
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("main.tf.json").toFile(), root);
    }

    @Test
    void an_apply_whose_first_lock_answer_was_lost_succeeds_on_tofus_retry_and_leaves_the_workspace_unlocked()
            throws Exception {
        String ws = "tofu-lost-lock";
        String token = client.token(ws, "read-write");
        try (var proxy = LostAnswerProxy.start(orchestrator.port(), "LOCK")) {
            writeConfig(proxy.url("/state/" + ws));
            TofuCli tofu = new TofuCli(dir, Map.of("TF_HTTP_PASSWORD", token));

            var init = tofu.run("init", "-input=false");
            var apply = tofu.run("apply", "-auto-approve", "-input=false", "-lock-timeout=0s");

            assertThat(init.exitCode()).as(init.output()).isZero();
            assertThat(apply.exitCode()).as(apply.output()).isZero();
            assertThat(proxy.faults()).isEmpty();
            var locks = proxy.exchanges().stream().filter(e -> e.method().equals("LOCK")).toList();
            assertThat(locks).as("the LOCKs tofu sent").hasSizeGreaterThanOrEqualTo(2);
            assertThat(locks.getFirst().answerLost()).isTrue();
            assertThat(locks.getFirst().status()).as("the lost answer").isEqualTo(200);
            String lockId = JSON.readTree(locks.getFirst().body()).path("ID").asText();
            assertThat(locks.get(1).answerLost()).isFalse();
            assertThat(JSON.readTree(locks.get(1).body()).path("ID").asText()).as("the retried LOCK's ID").isEqualTo(lockId);
            assertThat(locks.get(1).status()).as("the retried LOCK's answer").isEqualTo(200);
        }
        assertThat(client.admin("GET", "/api/v1/workspaces/" + ws + "/lock", null).statusCode())
                .as("the lock after the apply").isEqualTo(404);
        JsonNode state = StateHttp.json(client.state("GET", ws, token, null, null));
        assertThat(state.path("resources")).hasSize(1);
        assertThat(state.path("resources").get(0).path("instances").get(0).path("attributes").path("input").path("value").asText())
                .isEqualTo("lost-answer");
    }
}
