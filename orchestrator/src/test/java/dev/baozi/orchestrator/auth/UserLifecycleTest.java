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
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Changing, disabling and deleting users, revoking their tokens, setting their password: the real app on H2. */
class UserLifecycleTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AppOnH2 h2;
    private Database database;
    private Orchestrator.Wiring wiring;
    private Javalin app;
    private String base;
    private AuthService auth;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("user-lifecycle", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        wiring = h2.wiring();
        app = h2.app();
        base = h2.base();
        auth = new AuthService(new StateTokenRepository(database.dsl()), new UserRepository(database.dsl()), java.util.Optional.empty(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, ADMIN_TOKEN);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return StrictJsonMapper.objectMapper().readTree(response.body());
    }

    private String tokenOf(String name, Role role) {
        return auth.issueUserToken(auth.users().byName(name).orElseGet(() -> auth.createUser(name, role)), "test");
    }

    private String audit() {
        wiring.audit().flush();
        return database.dsl().fetch("select actor, action, target, outcome, detail from audit_event").formatCSV();
    }

    @Test
    void changing_a_users_role_takes_effect_on_their_next_request_and_is_audited() throws Exception {
        String token = tokenOf("vic", Role.VIEWER);
        assertThat(send("GET", "/users", null, token).statusCode()).isEqualTo(403);

        var response = admin("PATCH", "/users/vic", "{\"role\":\"admin\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("role").asText()).isEqualTo("admin");
        assertThat(send("GET", "/users", null, token).statusCode()).isEqualTo(200);
        assertThat(audit()).contains("admin,user.update,user:vic,200,role viewer -> admin");
    }

    @Test
    void a_disabled_users_api_tokens_and_sessions_stop_working_and_it_cannot_log_in() throws Exception {
        String token = tokenOf("dora", Role.OPERATOR);
        wiring.sessions().setPassword("dora", "a long password 2025", false);
        var login = (LoginOutcome.LoggedIn) wiring.sessions().login("dora", "a long password 2025", "127.0.0.1");
        assertThat(send("GET", "/workspaces", null, token).statusCode()).isEqualTo(200);

        var response = admin("PATCH", "/users/dora", "{\"disabled\":true}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("disabled").asBoolean()).isTrue();
        assertThat(send("GET", "/workspaces", null, token).statusCode()).isEqualTo(401);
        assertThat(wiring.sessions().find(login.cookieValue())).isEmpty();
        assertThat(wiring.sessions().login("dora", "a long password 2025", "127.0.0.1"))
                .isEqualTo(new LoginOutcome.Refused(SessionService.LOGIN_REFUSED));

        assertThat(admin("PATCH", "/users/dora", "{\"disabled\":false}").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/workspaces", null, token).statusCode()).isEqualTo(200);
    }

    @Test
    void an_admin_may_not_disable_demote_or_delete_themselves() throws Exception {
        String token = tokenOf("ada", Role.ADMIN);

        var disable = send("PATCH", "/users/ada", "{\"disabled\":true}", token);
        var demote = send("PATCH", "/users/ada", "{\"role\":\"viewer\"}", token);
        var delete = send("DELETE", "/users/ada", null, token);

        assertThat(disable.statusCode()).isEqualTo(409);
        assertThat(json(disable).path("error").asText()).isEqualTo("you cannot change your own role or disable yourself; ask another admin");
        assertThat(demote.statusCode()).isEqualTo(409);
        assertThat(delete.statusCode()).isEqualTo(409);
        assertThat(auth.users().byName("ada").orElseThrow().role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void bad_changes_are_400_naming_what_was_wrong() throws Exception {
        tokenOf("vic", Role.VIEWER);

        assertThat(json(admin("PATCH", "/users/vic", "{\"role\":\"boss\"}")).path("error").asText())
                .isEqualTo("role must be one of viewer, operator, approver, admin; got 'boss'");
        assertThat(json(admin("PATCH", "/users/vic", "{\"disabled\":\"yes\"}")).path("error").asText())
                .isEqualTo("disabled must be true or false");
        assertThat(json(admin("PATCH", "/users/vic", "{\"name\":\"victor\"}")).path("error").asText())
                .isEqualTo("only role and disabled can be changed, not name");
        assertThat(admin("PATCH", "/users/vic", "[]").statusCode()).isEqualTo(400);
        assertThat(admin("PATCH", "/users/nobody", "{\"role\":\"viewer\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void deleting_a_user_removes_it_with_its_tokens_and_keeps_its_audit_records() throws Exception {
        String token = tokenOf("gone", Role.OPERATOR);
        wiring.sessions().setPassword("gone", "a long password 2025", false);
        wiring.sessions().login("gone", "a long password 2025", "127.0.0.1");

        var response = admin("DELETE", "/users/gone", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(auth.users().byName("gone")).isEmpty();
        assertThat(send("GET", "/workspaces", null, token).statusCode()).isEqualTo(401);
        assertThat(admin("DELETE", "/users/gone", null).statusCode()).isEqualTo(404);
        assertThat(audit()).contains("user:gone,ui.login").contains("admin,user.delete,user:gone,200");
        assertThat(admin("POST", "/users", "{\"name\":\"gone\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void revoking_a_users_tokens_stops_every_one_of_them() throws Exception {
        String first = tokenOf("tom", Role.VIEWER);
        String second = tokenOf("tom", Role.VIEWER);

        var response = admin("DELETE", "/users/tom/tokens", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("revoked").asInt()).isEqualTo(2);
        assertThat(send("GET", "/workspaces", null, first).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/workspaces", null, second).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/workspaces", null, tokenOf("tom", Role.VIEWER)).statusCode()).isEqualTo(200);
    }

    @Test
    void an_admin_set_password_lets_an_api_only_user_log_in_and_must_be_changed_first() throws Exception {
        tokenOf("robot", Role.OPERATOR);

        var weak = admin("PUT", "/users/robot/password", "{\"password\":\"short\"}");
        var response = admin("PUT", "/users/robot/password", "{\"password\":\"first password 2025\"}");

        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(json(weak).path("error").asText()).isEqualTo("a password needs at least 12 characters");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("first password 2025");
        assertThat(audit()).doesNotContain("first password 2025").contains("admin,user.password.set,user:robot,200");
        assertThat(wiring.sessions().login("robot", "first password 2025", "127.0.0.1"))
                .isInstanceOfSatisfying(LoginOutcome.LoggedIn.class, in -> assertThat(in.session().mustChangePassword()).isTrue());
    }
}
