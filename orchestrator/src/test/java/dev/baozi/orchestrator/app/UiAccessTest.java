package dev.baozi.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.auth.SessionService;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.web.Access;
import dev.baozi.orchestrator.app.BaoziApp;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web UI's access rules over real HTTP on the real app: session cookies, CSRF tokens, roles,
 * the login form's own protections, and the headers every page carries. OpenBao is unreachable
 * here on purpose: every refusal happens before a page would need it.
 */
class UiAccessTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final String PASSWORD = "correct horse battery staple";

    private AppOnH2 h2;
    private Database database;
    private BaoziApp baozi;
    private Javalin app;
    private AuthService auth;
    private SessionService sessions;
    private String base;

    /** A logged-in browser: its session cookie and the CSRF token its pages carry. */
    private record Browser(String cookie, String csrf) {}

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("ui-test", Map.of("BAOZI_OPENBAO_TIMEOUT", "1s"));
        database = h2.database();
        baozi = h2.wiring().app();
        sessions = h2.wiring().sessions();
        app = h2.app();
        auth = h2.auth();
        base = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private void user(String name, Role role, boolean mustChange) {
        auth.createUser(name, role);
        sessions.setPassword(name, PASSWORD, mustChange);
    }

    private HttpResponse<String> send(String method, String path, String cookie, Map<String, String> form) throws Exception {
        String body = form == null ? "" : form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieValue(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElse(null);
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> postLogin(String name, String password) throws Exception {
        var form = send("GET", "/login", null, null);
        String nonce = cookieValue(form, "baozi_login");
        return send("POST", "/login", "baozi_login=" + nonce, Map.of("_csrf", csrf(form.body()), "name", name, "password", password));
    }

    private Browser login(String name) throws Exception {
        var response = postLogin(name, PASSWORD);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        String cookie = "baozi_session=" + cookieValue(response, "baozi_session");
        var page = send("GET", "/password", cookie, null);
        return new Browser(cookie, csrf(page.body()));
    }

    /** A UI route's path with its parameters filled in. */
    private static String concrete(String path) {
        return path.replace("{workspace}", "alpha").replace("{id}", "1").replace("{name}", "baozi.css");
    }

    private List<BaoziApp.Route> browserRoutes() {
        return baozi.routes().stream().filter(r -> r.roles().contains(Access.BROWSER) && !r.roles().contains(Access.PUBLIC)).toList();
    }

    @Test
    void without_a_session_a_page_redirects_to_the_login_form_and_a_form_post_is_refused() throws Exception {
        assertThat(browserRoutes()).hasSizeGreaterThan(10);
        for (BaoziApp.Route route : browserRoutes()) {
            var response = send(route.method(), concrete(route.path()), null, route.method().equals("POST") ? Map.of() : null);
            String what = route.method() + " " + route.path();
            if (route.method().equals("POST")) {
                assertThat(response.statusCode()).as(what).isEqualTo(401);
                assertThat(response.body()).as(what).contains("Your session ended, so nothing was done");
            } else {
                assertThat(response.statusCode()).as(what).isEqualTo(303);
                assertThat(response.headers().firstValue("Location").orElse("")).as(what)
                        .isEqualTo("/login?next=" + URLEncoder.encode(concrete(route.path()), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void every_form_post_without_the_sessions_csrf_token_or_with_a_wrong_one_is_refused() throws Exception {
        user("ada", Role.ADMIN, false);
        Browser ada = login("ada");
        int checked = 0;
        for (BaoziApp.Route route : browserRoutes()) {
            if (!route.method().equals("POST")) {
                continue;
            }
            String what = route.method() + " " + route.path();
            var missing = send("POST", concrete(route.path()), ada.cookie(), Map.of());
            var wrong = send("POST", concrete(route.path()), ada.cookie(), Map.of("_csrf", ada.csrf() + "x"));
            assertThat(missing.statusCode()).as(what).isEqualTo(403);
            assertThat(missing.body()).as(what).contains("security token is missing or stale, so nothing was done");
            assertThat(wrong.statusCode()).as(what).isEqualTo(403);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(7);
    }

    @Test
    void every_ui_route_refuses_a_role_below_its_rule_with_403() throws Exception {
        user("vic", Role.VIEWER, false);
        user("olga", Role.OPERATOR, false);
        user("abe", Role.APPROVER, false);
        Map<Access, List<String>> below = Map.of(Access.OPERATOR, List.of("vic"), Access.APPROVER, List.of("vic", "olga"),
                Access.ADMIN, List.of("vic", "olga", "abe"));
        Map<String, Browser> browsers = Map.of("vic", login("vic"), "olga", login("olga"), "abe", login("abe"));
        int checked = 0;
        for (BaoziApp.Route route : browserRoutes()) {
            for (var rule : below.entrySet()) {
                if (!route.roles().contains(rule.getKey())) {
                    continue;
                }
                for (String name : rule.getValue()) {
                    Browser b = browsers.get(name);
                    var response = send(route.method(), concrete(route.path()), b.cookie(),
                            route.method().equals("POST") ? Map.of("_csrf", b.csrf()) : null);
                    assertThat(response.statusCode()).as(route.method() + " " + route.path() + " as " + name).isEqualTo(403);
                    assertThat(response.body()).contains("You may not do this");
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(12);
    }

    @Test
    void the_audit_page_shows_a_page_at_a_time_with_a_link_to_older_events_and_filters_by_day() throws Exception {
        user("ada", Role.ADMIN, false);
        Browser ada = login("ada");
        var audit = new dev.baozi.orchestrator.audit.AuditRepository(database.dsl(), Clock.systemUTC());
        for (int i = 1; i <= 150; i++) {
            audit.record("user:seed", "seed.event", "thing-" + i, i % 2 == 0 ? "200" : "403", "number " + i);
        }

        var first = send("GET", "/audit?action=seed", ada.cookie(), null);
        Matcher older = Pattern.compile("href=\"(/audit\\?[^\"]*before=\\d+)\"").matcher(first.body());
        assertThat(older.find()).as("a link to older events").isTrue();
        var second = send("GET", older.group(1).replace("&amp;", "&"), ada.cookie(), null);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString();
        var todays = send("GET", "/audit?action=seed&from=" + today + "&to=" + today, ada.cookie(), null);
        var none = send("GET", "/audit?action=seed&from=" + tomorrow, ada.cookie(), null);
        var bad = send("GET", "/audit?from=yesterday", ada.cookie(), null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains(">thing-150<").contains(">thing-51<").doesNotContain(">thing-50<")
                .contains(">succeeded<").contains(">refused<").doesNotContain(">403<");
        assertThat(second.body()).contains(">thing-50<").contains(">thing-1<").doesNotContain(">thing-51<")
                .doesNotContain("id=\"older\"").contains("id=\"newest\"");
        assertThat(todays.body()).contains(">thing-150<");
        assertThat(none.body()).doesNotContain("thing-").contains("No event matches.");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from: a day as yyyy-MM-dd, not 'yesterday'");
    }

    @Test
    void the_page_of_a_queued_run_says_which_run_it_waits_behind() throws Exception {
        user("vera", Role.VIEWER, false);
        Browser vera = login("vera");
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database.dsl());
        var runs = new dev.baozi.orchestrator.run.RunRepository(database.dsl());
        var ws = workspaces.insert("alpha", "demo-data", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "admin",
                java.time.OffsetDateTime.now(), null);
        var first = runs.insert(ws.id(), false, "olga", java.time.OffsetDateTime.now());
        runs.transition(first.id(), dev.baozi.orchestrator.run.RunStatus.QUEUED, dev.baozi.orchestrator.run.RunStatus.PLANNING,
                java.time.OffsetDateTime.now());
        runs.transition(first.id(), dev.baozi.orchestrator.run.RunStatus.PLANNING, dev.baozi.orchestrator.run.RunStatus.PLANNED,
                java.time.OffsetDateTime.now());
        var second = runs.insert(ws.id(), false, "olga", java.time.OffsetDateTime.now());

        var page = send("GET", "/runs/" + second.id(), vera.cookie(), null);
        var waited = send("GET", "/runs/" + first.id(), vera.cookie(), null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"run-waiting\">Waiting behind run " + first.id() + ", which awaits approval.<");
        assertThat(waited.body()).doesNotContain("run-waiting");
    }

    @Test
    void a_wrong_password_and_an_unknown_user_get_the_same_refusal() throws Exception {
        user("ada", Role.ADMIN, false);

        var wrong = postLogin("ada", "not the password at all");
        var unknown = postLogin("nobody", PASSWORD);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains(SessionService.LOGIN_REFUSED);
        assertThat(unknown.body()).contains(SessionService.LOGIN_REFUSED);
        assertThat(cookieValue(wrong, "baozi_session")).isNull();
    }

    @Test
    void a_login_post_without_the_forms_own_token_is_refused() throws Exception {
        user("ada", Role.ADMIN, false);

        var noCookie = send("POST", "/login", null, Map.of("_csrf", "guess", "name", "ada", "password", PASSWORD));

        assertThat(noCookie.statusCode()).isEqualTo(403);
        assertThat(cookieValue(noCookie, "baozi_session")).isNull();
    }

    @Test
    void the_sixth_failed_login_in_a_row_is_rate_limited_with_retry_after() throws Exception {
        user("ada", Role.ADMIN, false);
        for (int i = 0; i < 5; i++) {
            assertThat(postLogin("ada", "wrong password number " + i).statusCode()).isEqualTo(401);
        }

        var limited = postLogin("ada", PASSWORD);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.body()).contains("Too many failed logins");
    }

    @Test
    void a_user_with_a_one_time_password_is_sent_to_the_password_page_first() throws Exception {
        user("newbie", Role.VIEWER, true);
        var response = postLogin("newbie", PASSWORD);
        String cookie = "baozi_session=" + cookieValue(response, "baozi_session");

        var workspaces = send("GET", "/workspaces", cookie, null);

        assertThat(response.headers().firstValue("Location")).contains("/password");
        assertThat(workspaces.statusCode()).isEqualTo(303);
        assertThat(workspaces.headers().firstValue("Location")).contains("/password");
    }

    @Test
    void the_session_cookie_is_http_only_same_site_lax_and_secure_and_pages_carry_a_strict_content_security_policy() throws Exception {
        user("ada", Role.ADMIN, false);
        var response = postLogin("ada", PASSWORD);
        String setCookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("baozi_session=")).findFirst()
                .orElseThrow();
        var page = send("GET", "/password", "baozi_session=" + cookieValue(response, "baozi_session"), null);

        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("Secure");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void logging_out_ends_the_session_on_the_server() throws Exception {
        user("ada", Role.ADMIN, false);
        Browser ada = login("ada");

        var out = send("POST", "/logout", ada.cookie(), Map.of("_csrf", ada.csrf()));
        var after = send("GET", "/password", ada.cookie(), null);

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location").orElse("")).startsWith("/login");
    }

    @Test
    void a_static_file_has_an_etag_and_an_unlisted_one_is_not_found() throws Exception {
        var css = send("GET", "/static/baozi.css", null, null);
        var again = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/static/baozi.css"))
                .header("If-None-Match", css.headers().firstValue("ETag").orElseThrow()).build(), HttpResponse.BodyHandlers.ofString());
        var other = send("GET", "/static/..%2Fpom.xml", null, null);

        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(other.statusCode()).isEqualTo(404);
    }
}
