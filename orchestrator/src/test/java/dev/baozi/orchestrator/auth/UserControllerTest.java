package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.db.Database;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/users} with a first password, on the real app (in-memory H2, OpenBao unreachable). */
class UserControllerTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AppOnH2 h2;
    private Database database;
    private Orchestrator.Wiring wiring;
    private Javalin app;
    private String base;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("users-api", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        wiring = h2.wiring();
        app = h2.app();
        base = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> createUser(String json) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/users"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        JsonNode body = StrictJsonMapper.objectMapper().readTree(response.body());
        return body.path("error").asText();
    }

    @Test
    void a_user_created_with_a_password_can_log_in_and_must_change_it_first() throws Exception {
        var response = createUser("{\"name\":\"carol\",\"role\":\"operator\",\"password\":\"first password 2025\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).doesNotContain("first password 2025").doesNotContain("argon2");
        var outcome = wiring.sessions().login("carol", "first password 2025", "127.0.0.1");
        assertThat(outcome).isInstanceOfSatisfying(LoginOutcome.LoggedIn.class, in -> {
            assertThat(in.session().mustChangePassword()).isTrue();
            assertThat(in.session().role()).isEqualTo(Role.OPERATOR);
        });
    }

    @Test
    void a_weak_password_is_a_400_with_the_reason_and_no_user_is_created() throws Exception {
        var tooShort = createUser("{\"name\":\"carol\",\"role\":\"viewer\",\"password\":\"short\"}");
        var withName = createUser("{\"name\":\"carol\",\"role\":\"viewer\",\"password\":\"Carol-is-my-name\"}");
        var notText = createUser("{\"name\":\"carol\",\"role\":\"viewer\",\"password\":123456789012}");

        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(error(tooShort)).isEqualTo("a password needs at least 12 characters");
        assertThat(withName.statusCode()).isEqualTo(400);
        assertThat(error(withName)).isEqualTo("a password must not contain the user name");
        assertThat(notText.statusCode()).isEqualTo(400);
        assertThat(error(notText)).isEqualTo("password must be a string");
        assertThat(new UserRepository(database.dsl()).byName("carol")).isEmpty();
    }

    @Test
    void a_user_created_without_a_password_is_api_only_and_cannot_log_in() throws Exception {
        var response = createUser("{\"name\":\"robot\",\"role\":\"operator\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(wiring.sessions().login("robot", "any password at all", "127.0.0.1"))
                .isEqualTo(new LoginOutcome.Refused(SessionService.LOGIN_REFUSED));
    }
}
