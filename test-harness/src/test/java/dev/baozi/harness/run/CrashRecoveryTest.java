package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.postgres.PostgresServer;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator process (and its tofu) is killed with SIGKILL mid-apply; a new orchestrator
 * on the same PostgreSQL and OpenBao marks the run errored, and the lock tofu held stays
 * visible until an admin releases it.
 */
@Tag("tofu")
@Tag("slow")
class CrashRecoveryTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void a_run_applying_when_the_process_died_is_errored_on_restart_and_its_lock_can_be_released() throws Exception {
        Path home = Files.createTempDirectory("crash");
        try (PostgresServer pg = PostgresServer.start(); OpenBaoServer bao = OpenBaoServer.startDev(TestSupport.workDir())) {
            var credentials = TestStack.access(bao).provisionAndIssue();
            int port = FreePort.pick();
            Path config = home.resolve("baozi.properties");
            var props = new Properties();
            props.setProperty("http.port", Integer.toString(port));
            props.setProperty("db.url", pg.jdbcUrl());
            props.setProperty("db.user", pg.user());
            props.setProperty("db.password", pg.password());
            props.setProperty("openbao.address", bao.address().toString());
            props.setProperty("openbao.approle.role-id", credentials.roleId());
            props.setProperty("openbao.approle.secret-id", credentials.secretId());
            props.setProperty("auth.admin-token", TestStack.ADMIN_TOKEN);
            props.setProperty("runs.dir", home.resolve("runs").toString());
            props.setProperty("runs.self-approval", "true");
            props.setProperty("tofu.templates-dir", TestStack.repoRoot().resolve("tf-modules").toString());
            try (Writer out = Files.newBufferedWriter(config)) {
                props.store(out, "crash test");
            }

            Process first = startInItsOwnProcessGroup(config, home.resolve("first.log"));
            try {
                crashMidApply(first, port, config);
            } finally {
                killGroup(first); // whatever happened above, nothing of the first process outlives the test
            }
        }
    }

    private static void killGroup(Process leader) throws Exception {
        new ProcessBuilder("kill", "-s", "KILL", "--", "-" + leader.pid()).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static void crashMidApply(Process first, int port, Path config) throws Exception {
        var admin = new ApiClient(port, TestStack.ADMIN_TOKEN);
        Deadline.await("the first orchestrator to answer", WAIT, () -> answers(port));
        assertThat(admin.post("/workspaces", Map.of("name", "crashy", "template", "demo-data",
                "inputs", Map.of("delay_seconds", 120))).status()).isEqualTo(201);
        long id = admin.post("/workspaces/crashy/runs", Map.of()).body().path("id").asLong();
        admin.awaitRun(id, WAIT, "planned");
        admin.post("/runs/" + id + "/approve", Map.of());
        Deadline.await("the slow apply to be under way", WAIT,
                () -> admin.get("/runs/" + id + "/logs").body().toString().contains("local-exec"));

        killGroup(first);
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (Orchestrator second = Orchestrator.start(ConfigLoader.load(config, Map.of("BAOZI_HTTP_PORT", "0")))) {
            var after = new ApiClient(second.port(), TestStack.ADMIN_TOKEN);
            JsonNode run = after.get("/runs/" + id).body();
            var lock = after.get("/workspaces/crashy/lock");
            var unlock = after.call("DELETE", "/workspaces/crashy/lock", null);
            long next = after.post("/workspaces/crashy/runs", Map.of()).body().path("id").asLong();

            assertThat(run.path("status").asText()).isEqualTo("errored");
            assertThat(run.path("error").asText()).contains("the orchestrator stopped while this run was applying")
                    .contains("bin/baozi lock force-unlock --workspace crashy");
            assertThat(lock.status()).isEqualTo(200);
            assertThat(lock.body().path("info").path("Operation").asText()).isEqualTo("OperationTypeApply");
            assertThat(unlock.status()).isEqualTo(200);
            assertThat(after.awaitRun(next, WAIT, "planned").path("status").asText()).isEqualTo("planned");
            assertThat(after.get("/audit?limit=50").body().toString()).contains("run.recover").contains("lock.force-unlock");
        }
    }

    private static Process startInItsOwnProcessGroup(Path config, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = TestStack.orchestratorJar(TestStack.repoRoot()).orElseThrow();
        var builder = new ProcessBuilder(List.of("setsid", java, "-jar", jar.toString(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("BAOZI_"));
        return builder.start();
    }

    private static boolean answers(int port) {
        try {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
