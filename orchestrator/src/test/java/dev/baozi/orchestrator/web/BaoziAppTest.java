package dev.baozi.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.config.ConfigLoader;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.health.HealthController;
import dev.baozi.orchestrator.health.ReadinessService;
import io.javalin.testtools.JavalinTest;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real app on a real port with a real (in-memory H2) database; OpenBao points at a closed port. */
class BaoziAppTest {

    private Database database;
    private BaoziConfig config;

    @BeforeEach
    void open() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        config = ConfigLoader.load(null, Map.of(
                "BAOZI_DB_URL", "jdbc:h2:mem:app-test-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "BAOZI_OPENBAO_ADDRESS", "http://127.0.0.1:" + closedPort,
                "BAOZI_OPENBAO_TIMEOUT", "1s",
                "BAOZI_OPENBAO_APPROLE_ROLE_ID", "unused",
                "BAOZI_OPENBAO_APPROLE_SECRET_ID", "unused"));
        database = Database.open(config.database());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private BaoziApp app() {
        return new BaoziApp(new HealthController(new ReadinessService(database, config.openbao())));
    }

    @Test
    void healthz_answers_alive_without_credentials() {
        JavalinTest.test(app().create("127.0.0.1", 0), (server, client) -> {
            var response = client.get("/healthz");
            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response.body().string()).path("status").asText()).isEqualTo("alive");
        });
    }

    @Test
    void readyz_is_503_and_names_openbao_when_openbao_is_unreachable() {
        JavalinTest.test(app().create("127.0.0.1", 0), (server, client) -> {
            var response = client.get("/readyz");
            JsonNode body = json(response.body().string());
            assertThat(response.code()).isEqualTo(503);
            assertThat(body.path("ready").asBoolean()).isFalse();
            assertThat(body.path("checks").path("database").path("ok").asBoolean()).isTrue();
            assertThat(body.path("checks").path("openbao").path("ok").asBoolean()).isFalse();
            assertThat(body.path("checks").path("openbao").path("detail").asText()).startsWith("unreachable");
        });
    }

    @Test
    void an_unknown_path_gets_a_json_404_naming_it() {
        JavalinTest.test(app().create("127.0.0.1", 0), (server, client) -> {
            var response = client.get("/no/such/thing");
            assertThat(response.code()).isEqualTo(404);
            assertThat(json(response.body().string()).path("error").asText())
                    .isEqualTo("Endpoint GET /no/such/thing not found");
        });
    }

    private static JsonNode json(String body) throws Exception {
        return BaoziApp.objectMapper().readTree(body);
    }
}
