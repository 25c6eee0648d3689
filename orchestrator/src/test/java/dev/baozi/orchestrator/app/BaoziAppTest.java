package dev.baozi.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.web.Access;
import dev.baozi.orchestrator.auth.Role;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real app on a real port with a real (in-memory H2) database; OpenBao points at a closed
 * port. Everything here is decided before any OpenBao call: probes, access rules, input checks.
 */
class BaoziAppTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Every non-public route: method and path. */
    private static final List<String[]> STATE_ROUTES = List.of(
            new String[] {"GET", "/state/alpha"}, new String[] {"POST", "/state/alpha"},
            new String[] {"DELETE", "/state/alpha"}, new String[] {"LOCK", "/state/alpha"},
            new String[] {"UNLOCK", "/state/alpha"});
    private static final List<String[]> ADMIN_ROUTES = List.of(
            new String[] {"GET", "/api/v1/locks"}, new String[] {"GET", "/api/v1/audit"},
            new String[] {"GET", "/api/v1/workspaces/alpha/lock"}, new String[] {"DELETE", "/api/v1/workspaces/alpha/lock"},
            new String[] {"GET", "/api/v1/workspaces/alpha/state/versions"},
            new String[] {"GET", "/api/v1/workspaces/alpha/state/versions/1"},
            new String[] {"GET", "/api/v1/workspaces/alpha/state/diff?from=1&to=2"},
            new String[] {"POST", "/api/v1/workspaces/alpha/state/rollback"},
            new String[] {"GET", "/api/v1/workspaces/alpha/state-tokens"},
            new String[] {"POST", "/api/v1/workspaces/alpha/state-tokens"},
            new String[] {"DELETE", "/api/v1/workspaces/alpha/state-tokens/1"});

    private AppOnH2 h2;
    private Database database;
    private BaoziApp baozi;
    private Javalin app;
    private AuthService auth;
    private String base;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("app-test", Map.of("BAOZI_OPENBAO_TIMEOUT", "1s", "BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        baozi = h2.wiring().app();
        app = h2.app();
        auth = h2.auth();
        base = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") || method.equals("DELETE") ? "" : "{}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("tofu:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private String stateToken(String workspace, TokenAccess access) {
        return auth.issueStateToken(workspace, "test", access, new Principal.Admin()).token();
    }

    private static JsonNode json(String body) throws Exception {
        return StrictJsonMapper.objectMapper().readTree(body);
    }

    private void existingWorkspace(String name) {
        new dev.baozi.orchestrator.workspace.WorkspaceRepository(database.dsl()).insert(name, "demo-data",
                StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "test", java.time.OffsetDateTime.now(), null);
    }

    @Test
    void healthz_answers_alive_without_credentials() throws Exception {
        var response = send("GET", "/healthz", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("status").asText()).isEqualTo("alive");
    }

    @Test
    void readyz_is_503_and_names_openbao_when_openbao_is_unreachable() throws Exception {
        var response = send("GET", "/readyz", null);
        JsonNode body = json(response.body());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(body.path("ready").asBoolean()).isFalse();
        assertThat(body.path("checks").path("database").path("ok").asBoolean()).isTrue();
        assertThat(body.path("checks").path("openbao").path("ok").asBoolean()).isFalse();
        assertThat(body.path("checks").path("openbao").path("detail").asText()).startsWith("unreachable");
    }

    @Test
    void an_unknown_path_gets_a_json_404_naming_it() throws Exception {
        var response = send("GET", "/no/such/thing", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).path("error").asText()).isEqualTo("Endpoint GET /no/such/thing not found");
    }

    @Test
    void every_state_method_refuses_a_caller_without_credentials_with_401_and_a_basic_challenge() throws Exception {
        for (String[] route : STATE_ROUTES) {
            var response = send(route[0], route[1], null);
            assertThat(response.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"baozi state\"");
            assertThat(json(response.body()).path("error").asText()).contains("basic auth");
        }
    }

    @Test
    void every_state_method_refuses_an_unknown_token_with_401() throws Exception {
        for (String[] route : STATE_ROUTES) {
            assertThat(send(route[0], route[1], basic("bzs_not-a-real-token")).statusCode()).as(route[0]).isEqualTo(401);
        }
    }

    @Test
    void every_state_method_refuses_a_token_of_another_workspace_with_403() throws Exception {
        String other = stateToken("beta", TokenAccess.READ_WRITE);
        for (String[] route : STATE_ROUTES) {
            var response = send(route[0], route[1], basic(other));
            assertThat(response.statusCode()).as(route[0]).isEqualTo(403);
            assertThat(json(response.body()).path("error").asText()).isEqualTo("this token is for workspace beta, not alpha");
        }
    }

    @Test
    void a_read_only_token_may_not_write_lock_unlock_or_delete() throws Exception {
        String readOnly = stateToken("alpha", TokenAccess.READ_ONLY);
        for (String[] route : STATE_ROUTES.subList(1, STATE_ROUTES.size())) {
            var response = send(route[0], route[1], basic(readOnly));
            assertThat(response.statusCode()).as(route[0]).isEqualTo(403);
            assertThat(json(response.body()).path("error").asText()).startsWith("this token is read-only");
        }
    }

    @Test
    void a_revoked_token_is_refused() throws Exception {
        var issued = auth.issueStateToken("alpha", "soon-gone", TokenAccess.READ_WRITE, new Principal.Admin());
        auth.tokens().revoke("alpha", issued.record().id(), java.time.OffsetDateTime.now());

        assertThat(send("LOCK", "/state/alpha", basic(issued.token())).statusCode()).isEqualTo(401);
    }

    @Test
    void every_admin_route_refuses_anonymous_callers_and_state_tokens() throws Exception {
        String stateToken = stateToken("alpha", TokenAccess.READ_WRITE);
        for (String[] route : ADMIN_ROUTES) {
            assertThat(send(route[0], route[1], null).statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(send(route[0], route[1], "Bearer wrong-admin-token").statusCode()).as(route[1]).isEqualTo(401);
            var withStateToken = send(route[0], route[1], basic(stateToken));
            assertThat(withStateToken.statusCode()).as(route[1]).isEqualTo(403);
            assertThat(json(withStateToken.body()).path("error").asText()).isEqualTo("this endpoint is for the admin only");
        }
    }

    /** A concrete URL for a route pattern. */
    private static String concrete(String pattern) {
        return pattern.replace("{workspace}", "alpha").replace("{id}", "1").replace("{version}", "1").replace("{name}", "nobody")
                .replace("{generator}", "db").replace("{file}", "password");
    }

    private String userToken(String name, Role role) {
        var user = auth.createUser(name, role);
        return auth.issueUserToken(user, "test");
    }

    @Test
    void lock_and_unlock_are_routes_of_the_table_with_the_state_write_rule() {
        for (String method : List.of("LOCK", "UNLOCK")) {
            assertThat(baozi.routes()).as(method).filteredOn(r -> r.method().equals(method))
                    .containsExactly(new BaoziApp.Route(method, "/state/{workspace}", java.util.Set.of(Access.STATE_WRITE)));
        }
    }

    @Test
    void every_route_declares_an_access_rule_and_every_non_public_route_refuses_anonymous_callers() throws Exception {
        List<BaoziApp.Route> routes = baozi.routes();
        assertThat(routes).hasSizeGreaterThan(25);
        for (BaoziApp.Route route : routes) {
            assertThat(route.roles()).as(route.method() + " " + route.path()).isNotEmpty();
            if (route.roles().contains(Access.PUBLIC) || route.roles().contains(Access.BROWSER)) { // UI routes: UiAccessTest
                continue;
            }
            var response = send(route.method(), concrete(route.path()), null);
            assertThat(response.statusCode()).as(route.method() + " " + route.path()).isEqualTo(401);
        }
    }

    @Test
    void every_user_route_refuses_a_role_below_its_rule_with_403_naming_the_role() throws Exception {
        var below = Map.of(Access.VIEWER, List.<Role>of(), Access.OPERATOR, List.of(Role.VIEWER),
                Access.APPROVER, List.of(Role.VIEWER, Role.OPERATOR), Access.ADMIN, List.of(Role.VIEWER, Role.OPERATOR, Role.APPROVER));
        var tokens = Map.of(Role.VIEWER, userToken("vic", Role.VIEWER), Role.OPERATOR, userToken("olga", Role.OPERATOR),
                Role.APPROVER, userToken("abe", Role.APPROVER));
        String stateToken = stateToken("alpha", TokenAccess.READ_WRITE);
        int checked = 0;
        for (BaoziApp.Route route : baozi.routes()) {
            for (var rule : below.entrySet()) {
                if (!route.roles().contains(rule.getKey()) || route.roles().contains(Access.BROWSER)) {
                    continue;
                }
                String what = route.method() + " " + route.path();
                assertThat(send(route.method(), concrete(route.path()), basic(stateToken)).statusCode()).as(what).isEqualTo(403);
                for (Role role : rule.getValue()) {
                    var response = send(route.method(), concrete(route.path()), "Bearer " + tokens.get(role));
                    assertThat(response.statusCode()).as(what + " as " + role).isEqualTo(403);
                    assertThat(json(response.body()).path("error").asText()).as(what)
                            .matches("this (needs the .* role; user:.* is " + role.wire() + "|endpoint is for the admin only)");
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void the_openapi_document_describes_every_route_and_only_those() throws Exception {
        JsonNode doc = StrictJsonMapper.objectMapper().readTree(send("GET", "/api/v1/openapi.json", null).body());
        var documented = new java.util.TreeSet<String>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters")) {
                documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
            }
        }));
        var served = new java.util.TreeSet<String>();
        baozi.routes().stream().filter(r -> !r.roles().contains(Access.BROWSER))
                .forEach(r -> served.add(r.method() + " " + r.path()));

        assertThat(documented).isEqualTo(served);
    }

    @Test
    void the_admin_token_may_not_use_the_state_backend() throws Exception {
        var response = send("GET", "/state/alpha", "Bearer " + ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alpha", "a.b", "..", "%2e%2e", "a%2Fb", "-lead", "_lead", "caf%C3%A9",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void a_workspace_name_outside_the_allowed_form_is_400(String name) throws Exception {
        String token = stateToken("alpha", TokenAccess.READ_WRITE);
        var response = send("GET", "/state/" + name, basic(token));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    }

    @Test
    void the_admin_creates_a_state_token_shown_once_and_stored_as_a_hash() throws Exception {
        existingWorkspace("alpha"); // tokens are issued for existing workspaces only
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces/alpha/state-tokens"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"access\":\"read-only\"}"))
                .build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = json(response.body());
        String token = body.path("token").asText();

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(token).startsWith("bzs_").hasSizeGreaterThan(40);
        assertThat(body.path("access").asText()).isEqualTo("read-only");
        var listed = send("GET", "/api/v1/workspaces/alpha/state-tokens", "Bearer " + ADMIN_TOKEN);
        assertThat(listed.body()).contains("\"ci\"").doesNotContain(token);
        assertThat(database.dsl().fetch("select * from state_token").formatCSV()).doesNotContain(token);
    }

    @Test
    void a_token_request_with_a_bad_access_value_is_400_naming_it() throws Exception {
        existingWorkspace("alpha"); // tokens are issued for existing workspaces only
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces/alpha/state-tokens"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"access\":\"everything\"}"))
                .build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("error").asText()).isEqualTo("access must be read-only or read-write, got 'everything'");
    }
}
