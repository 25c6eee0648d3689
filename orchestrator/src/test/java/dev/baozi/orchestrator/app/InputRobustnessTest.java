package dev.baozi.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What callers get wrong is a 4xx saying what, never a 500: broken JSON, numbers out of range,
 * malformed credentials and paths, oversized lock info; and every answer carries the security
 * headers. The real app on a real port with H2; OpenBao points at a closed port, so everything
 * here is decided before any OpenBao call.
 */
class InputRobustnessTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AppOnH2 h2;
    private Database database;
    private Javalin app;
    private AuthService auth;
    private String base;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("robust-test", Map.of("BAOZI_OPENBAO_TIMEOUT", "1s", "BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        app = h2.app();
        auth = h2.auth();
        base = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body, String... headers)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, "Bearer " + ADMIN_TOKEN, body);
    }

    private static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("tofu:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return StrictJsonMapper.objectMapper().readTree(response.body()).path("error").asText();
    }

    private void workspace(String name) {
        new WorkspaceRepository(database.dsl()).insert(name, "demo-data", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6",
                "test", OffsetDateTime.now(), null);
    }

    /** Sends {@code requestLine} as it is, bypassing every client's URL checks; the status code of the answer. */
    private int raw(String requestLine) throws Exception {
        try (var socket = new Socket("127.0.0.1", app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            var head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                head.write(b);
            }
            return Integer.parseInt(head.toString(StandardCharsets.ISO_8859_1).split(" ")[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":", "{\"name\":\"ci\"} trailing", "{'name':'ci'}", "[1,2]", "null", "\"text\"", "{\"a\":1,\"a\":2}"})
    void a_malformed_json_body_is_400_saying_what_is_wrong(String body) throws Exception {
        workspace("alpha");

        var response = admin("POST", "/api/v1/workspaces/alpha/state-tokens", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response)).matches("the body (is not valid JSON: .*|must be a JSON object, not .*)");
    }

    @Test
    void broken_json_is_refused_naming_the_line_and_column() throws Exception {
        var response = admin("POST", "/api/v1/users", "{\n  \"name\": \"ann\",\n  \"role\": viewer\n}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("the body is not valid JSON: ").contains("(line 3, column");
    }

    @Test
    void a_duplicate_key_is_400_naming_it() throws Exception {
        var response = admin("POST", "/api/v1/users", "{\"name\":\"ann\",\"role\":\"viewer\",\"role\":\"admin\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).contains("Duplicate field 'role'");
        assertThat(auth.users().byName("ann")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551617", "-9223372036854775809", "1e400", "-1e400"})
    void a_number_out_of_range_is_400_naming_where_it_is(String number) throws Exception {
        var response = admin("POST", "/api/v1/workspaces/alpha/state/rollback", "{\"version\": " + number + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response)).startsWith("the number at /version is out of range");
    }

    @Test
    void a_number_out_of_range_deep_in_a_body_is_named_by_its_json_pointer() throws Exception {
        var response = admin("POST", "/api/v1/workspaces", "{\"name\":\"w\",\"template\":\"demo-data\",\"inputs\":{\"names\":[\"a\"],"
                + "\"generation\":1e400}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("the number at /inputs/generation is out of range, got 1E+400");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "0", "-3", "\"1\"", "true"})
    void a_rollback_version_that_is_not_a_version_number_is_400(String version) throws Exception {
        var response = admin("POST", "/api/v1/workspaces/alpha/state/rollback", "{\"version\": " + version + "}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("rollback needs a JSON body {\"version\": N} with N a version number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic !!!not-base64!!!", "Basic dG9mdQ==", "Basic /w==", "Basic", "Basic  ", "Digest abc"})
    void a_malformed_authorization_header_on_the_state_backend_is_401_not_500(String header) throws Exception {
        var response = send("GET", "/state/alpha", header, null);

        assertThat(response.statusCode()).as(header).isEqualTo(401);
        assertThat(error(response)).contains("basic auth");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/state/%zz", "/state/a%2", "/state/%", "/state/%C3%28", "/api/v1/workspaces/%zz/runs", "/state/%u0066uzz",
        "/api/v1/workspaces/%u0066/state/rollback"})
    void a_path_with_bad_percent_encoding_is_a_4xx(String path) throws Exception {
        int status = raw("GET " + path + " HTTP/1.1");

        assertThat(status).as(path).isBetween(400, 499);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=nope", "application/json; charset=\"x y\"", "text/plain; charset=utf-99"})
    void a_body_in_a_charset_nobody_knows_is_400_naming_it(String contentType) throws Exception {
        workspace("alpha");

        var response = send("POST", "/api/v1/workspaces/alpha/state-tokens", "Bearer " + ADMIN_TOKEN, "{\"name\":\"ci\"}",
                "Content-Type", contentType);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("the Content-Type names a charset Baozi does not know");
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("state_token"))).isZero();
    }

    @Test
    void a_lock_id_too_long_is_400_before_anything_is_locked_or_asked_of_openbao() throws Exception {
        workspace("alpha");
        String token = auth.issueStateToken("alpha", "t", TokenAccess.READ_WRITE, new Principal.Admin()).token();
        String body = "{\"ID\":\"" + "x".repeat(10_000) + "\",\"Operation\":\"OperationTypeApply\"}";

        var response = send("LOCK", "/state/alpha", basic(token), body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("the lock ID is 10000 characters long; at most 256 are taken; nothing was locked");
    }

    @Test
    void lock_info_with_a_field_too_long_is_400_naming_the_field() throws Exception {
        workspace("alpha");
        String token = auth.issueStateToken("alpha", "t", TokenAccess.READ_WRITE, new Principal.Admin()).token();
        String body = "{\"ID\":\"abc\",\"Info\":\"" + "i".repeat(5000) + "\"}";

        var response = send("LOCK", "/state/alpha", basic(token), body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("the lock's Info is 5000 characters long");
    }

    @Test
    void an_audit_record_with_texts_longer_than_its_columns_is_cut_to_fit_not_lost() {
        var audit = new AuditRepository(database.dsl(), Clock.systemUTC());

        audit.record("a".repeat(500), "act".repeat(100), "t".repeat(900), "o".repeat(80), "d".repeat(5000));

        var event = audit.latest(1).get(0);
        assertThat(event.actor()).hasSize(200).endsWith("a…");
        assertThat(event.target()).hasSize(500);
        assertThat(event.detail()).hasSize(2000).endsWith("d…");
    }

    @Test
    void a_state_token_for_a_workspace_that_does_not_exist_is_refused_with_404_naming_it() throws Exception {
        var response = admin("POST", "/api/v1/workspaces/nowhere/state-tokens", "{\"name\":\"ci\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response)).isEqualTo("no workspace named nowhere; state tokens are issued for existing workspaces only");
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("state_token"))).isZero();
    }

    @Test
    void a_state_token_for_an_existing_workspace_is_created() throws Exception {
        workspace("alpha");

        var response = admin("POST", "/api/v1/workspaces/alpha/state-tokens", "{\"name\":\"ci\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void every_answer_carries_the_security_headers_even_a_refusal_or_a_404() throws Exception {
        for (var response : new HttpResponse<?>[] {send("GET", "/healthz", null, null), send("GET", "/state/alpha", null, null),
                send("GET", "/api/v1/workspaces", "Bearer nope", null), send("GET", "/no/such/page", null, null),
                admin("GET", "/api/v1/workspaces", null), send("POST", "/logout", null, null)}) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(response.uri().toString()).hasValue("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).as(response.uri().toString()).hasValue("no-store");
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(response.uri().toString())
                    .hasValue(BaoziApp.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("Referrer-Policy")).as(response.uri().toString()).hasValue("same-origin");
            assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
        }
    }

    @Test
    void an_answer_to_a_request_that_came_over_https_carries_hsts() throws Exception {
        var response = send("GET", "/healthz", null, null, "X-Forwarded-Proto", "https");

        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
    }

    @Test
    void many_anonymous_requests_to_the_state_backend_write_one_audit_record_not_one_each() throws Exception {
        for (int i = 0; i < 40; i++) {
            assertThat(send("GET", "/state/ws-" + (i % 4), null, null).statusCode()).isEqualTo(401);
        }

        var rows = new AuditRepository(database.dsl(), Clock.systemUTC()).search("anonymous", "state.", "", 100);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).detail()).startsWith("refused (from 127.0.0.1); further refusals");
    }
}
