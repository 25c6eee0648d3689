package dev.baozi.harness.sideplan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The side plan extension point: a kind that lives only in this test (memo) is registered with
 * one line, planned beside tofu's plan, shown in the run's JSON and on the run page, forced on
 * approval, and applied as planned, before tofu. Real OpenBao and tofu, the demo-data template.
 */
@Tag("tofu")
class SidePlanExtensionTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String PASSWORD = "correct horse battery staple";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private static final MemoKind MEMO = new MemoKind();
    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient operator;
    private static ApiClient approver;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of(),
                new Orchestrator.Extras(UnaryOperator.identity(), List.of(MEMO.sideKind()))); // the one registration line
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("memo-op", "operator");
        approver = admin.user("memo-ap", "approver");
        orchestrator.wiring().sessions().setPassword("memo-ap", PASSWORD, false);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    @Test
    void a_kind_registered_with_one_line_is_planned_shown_forced_and_applied_before_tofu() throws Exception {
        assertThat(operator.post("/workspaces", Map.of("name", "memo-ws", "template", "demo-data",
                "inputs", Map.of("names", List.of("a")))).status()).isEqualTo(201);
        long id = operator.post("/workspaces/memo-ws/runs", Map.of()).body().path("id").asLong();

        JsonNode planned = operator.awaitRun(id, WAIT, "planned");
        JsonNode memo = planned.path("sidePlans").get(0);
        String page = page(approver("/runs/" + id));
        var unforced = approver.post("/runs/" + id + "/approve", Map.of());
        var forced = approver.post("/runs/" + id + "/approve", Map.of("force", List.of("memo")));
        operator.awaitRun(id, WAIT, "applied");
        List<String> log = operator.get("/runs/" + id + "/logs").body().path("lines").findValuesAsText("step");

        assertThat(memo.path("kind").asText()).isEqualTo("memo");
        assertThat(memo.path("changes").asInt()).isEqualTo(1);
        assertThat(memo.path("forceReason").asText()).isEqualTo("every memo is written by hand");
        assertThat(memo.path("table").path("rows").toString()).isEqualTo("[[\"write\",\"run " + id + " of memo-ws\"]]");
        assertThat(memo.path("document").path("note").asText()).isEqualTo("run " + id + " of memo-ws");
        assertThat(page).contains("<h2 id=\"memo-h\">Memo</h2>").contains("run " + id + " of memo-ws")
                .contains("Memos are kept in the test's notebook.").contains("id=\"force-memo\"")
                .contains("Write this memo by hand");
        assertThat(unforced.status()).isEqualTo(409);
        assertThat(unforced.error()).contains("changes memo past its safety thresholds (every memo is written by hand)")
                .contains("approve with force: [\"memo\"]");
        assertThat(forced.status()).as(forced.toString()).isEqualTo(200);
        assertThat(MEMO.notebook).containsExactly(new MemoKind.Written(id, "{\"note\":\"run " + id + " of memo-ws\"}", true));
        assertThat(log.indexOf("memo")).as("the memo's lines").isPositive();
        assertThat(log.lastIndexOf("memo")).as("the memo is written before tofu applies").isLessThan(log.indexOf("apply"));
    }

    /** The run page as an approver logged in to the web UI sees it. */
    private static HttpResponse<String> approver(String path) throws Exception {
        var form = send("GET", "/login", null, null);
        String nonce = cookie(form, "baozi_login");
        var login = send("POST", "/login", "baozi_login=" + nonce, Map.of("_csrf", csrf(form.body()), "name", "memo-ap",
                "password", PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return send("GET", path, "baozi_session=" + cookie(login, "baozi_session"), null);
    }

    private static String page(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> send(String method, String path, String cookie, Map<String, String> form) throws Exception {
        String body = form == null ? "" : String.join("&", form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .toList());
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestrator.port() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }
}
