package dev.baozi.orchestrator.migration;

import static dev.baozi.orchestrator.db.jooq.Tables.PROVIDER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.auth.SessionService;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The migration wizard's pages on the real app (H2; OpenBao and NetBox unreachable, so the target
 * fields are text) with a fake of the steps' work, carried forward by the test
 * ({@link MigrationRunner#settle}): forms through sessions and CSRF tokens, buttons by role and by
 * who asked, refusals shown on the page.
 */
class MigrationPagesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final String PASSWORD = "correct horse battery staple";
    private static final Map<String, String> TARGET = Map.of("target_provider", "sim-b", "target_pool", "10.1.0.0/24",
            "target_storage", "local-lvm", "target_bridge", "vmbr0");

    private AppOnH2 h2;
    private FakeMigrationActions fake;

    /** A logged-in browser: its session cookie and the CSRF token its pages carry. */
    private record Browser(String cookie, String csrf) {}

    private Browser vic;
    private Browser olga;
    private Browser abe;
    private Browser bea;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeMigrationActions(Clock.systemUTC());
        h2 = AppOnH2.start("migration-pages", Map.of("BAOZI_OPENBAO_TIMEOUT", "1s"),
                new Orchestrator.Extras(UnaryOperator.identity(), List.of(), fake));
        var dsl = h2.database().dsl();
        for (String name : List.of("sim-a", "sim-b")) {
            dsl.insertInto(PROVIDER).set(PROVIDER.NAME, name).set(PROVIDER.ENDPOINT, "https://" + name + ".invalid:8006")
                    .set(PROVIDER.TOKEN_ID, "baozi@pve!t").set(PROVIDER.TLS_MODE, "insecure").set(PROVIDER.DEFAULT_NODE, "pve")
                    .set(PROVIDER.CREATED_BY, "test").set(PROVIDER.CREATED_AT, OffsetDateTime.now()).execute();
        }
        new WorkspaceRepository(dsl).insert("web", "deployment", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "test",
                OffsetDateTime.now(), "sim-a");
        new WorkspaceRepository(dsl).insert("notes", "demo-data", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "test",
                OffsetDateTime.now(), null);
        vic = user("vic", Role.VIEWER);
        olga = user("olga", Role.OPERATOR);
        abe = user("abe", Role.APPROVER);
        bea = user("bea", Role.APPROVER);
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private Browser user(String name, Role role) throws Exception {
        AuthService auth = h2.auth();
        SessionService sessions = h2.wiring().sessions();
        auth.createUser(name, role);
        sessions.setPassword(name, PASSWORD, false);
        var form = send("GET", "/login", null, null);
        String nonce = cookie(form, "baozi_login");
        var response = send("POST", "/login", "baozi_login=" + nonce, Map.of("_csrf", csrf(form.body()), "name", name,
                "password", PASSWORD));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        String session = "baozi_session=" + cookie(response, "baozi_session");
        return new Browser(session, csrf(send("GET", "/password", session, null).body()));
    }

    private HttpResponse<String> send(String method, String path, String cookie, Map<String, String> form) throws Exception {
        String body = form == null ? "" : form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(h2.base() + path)).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Browser b, String path) throws Exception {
        return send("GET", path, b.cookie(), null);
    }

    private HttpResponse<String> post(Browser b, String path, Map<String, String> fields) throws Exception {
        var form = new LinkedHashMap<>(fields);
        form.put("_csrf", b.csrf());
        return send("POST", path, b.cookie(), form);
    }

    private static String cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst().orElse(null);
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    private void settle() {
        h2.wiring().migrationRunner().settle();
    }

    /** Asks for a migration of web to sim-b through the wizard's form as {@code b}; its page's path. */
    private String create(Browser b) throws Exception {
        var created = post(b, "/workspaces/web/migrations", TARGET);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/workspaces/web/migrations/\\d+\\?done=migration");
        return location.substring(0, location.indexOf('?'));
    }

    @Test
    void the_wizard_offers_the_other_providers_and_asks_for_pool_storage_and_bridge_as_text_when_they_cannot_be_listed() throws Exception {
        var first = get(olga, "/workspaces/web/migrate");
        var second = get(olga, "/workspaces/web/migrate?provider=sim-b");
        var nowhere = get(olga, "/workspaces/notes/migrate");

        assertThat(first.statusCode()).isEqualTo(200);
        // the only other provider is chosen already, so the target form shows at once
        assertThat(first.body()).contains("<option value=\"sim-b\" selected>sim-b</option>").doesNotContain("<option value=\"sim-a\"")
                .contains("id=\"target-form\"");
        assertThat(second.body()).contains("name=\"target_provider\" value=\"sim-b\"")
                .contains("id=\"pool\" name=\"target_pool\" value=\"\"")
                .contains("id=\"storage\" name=\"target_storage\" value=\"local-lvm\"")
                .contains("id=\"bridge\" name=\"target_bridge\" value=\"vmbr0\"")
                .contains("NetBox is not configured (netbox.url), so type the pool.")
                .contains("Reading the API token of sim-b");
        assertThat(nowhere.statusCode()).isEqualTo(409);
        assertThat(nowhere.body()).contains("runs on no provider");
    }

    @Test
    void an_operator_asks_for_a_migration_and_its_page_shows_the_plan_and_its_steps_but_no_approve_button_for_them() throws Exception {
        String page = create(olga);
        var planning = get(olga, page + "?done=migration");
        settle();
        var planned = get(olga, page);

        assertThat(planning.body()).contains("Migration asked for").contains("id=\"migration-status\">running<")
                .contains("data-live=\"true\"");
        assertThat(planned.statusCode()).isEqualTo(200);
        assertThat(planned.body()).contains("id=\"migration-status\">needs approval<").contains("<code>10.1.0.7</code>")
                .contains("VM 101 on node pve-b, disk on local-lvm, network on vmbr0")
                .contains("<code>web.example.org</code>").contains("lowered from 3600 s to 60 s").contains("about 2 min 0 s")
                .contains("class=\"ok\"").contains("local-lvm on pve-b has 80 GiB free")
                .contains("data-step=\"cutover\"").contains("data-live=\"false\"")
                .doesNotContain("id=\"approve\"").doesNotContain("id=\"rollback\"");
        var wizardAgain = get(olga, "/workspaces/web/migrate?provider=sim-b");
        var second = post(olga, "/workspaces/web/migrations", TARGET);
        assertThat(wizardAgain.body()).contains("id=\"unfinished\"").contains("href=\"" + page + "\"").doesNotContain("id=\"target-form\"");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("class=\"flash error\"").contains("already has an unfinished migration");
        var list = get(vic, "/workspaces/web/migrations");
        assertThat(list.body()).contains("href=\"" + page + "\"").contains("sim-a → sim-b").doesNotContain("id=\"move\"");
        assertThat(get(olga, "/workspaces/web/migrations").body()).contains("id=\"move\"");
    }

    @Test
    void the_approver_who_asked_sees_why_they_may_not_approve_and_another_approver_approves_the_plan() throws Exception {
        String page = create(abe);
        settle();

        var own = get(abe, page);
        var other = get(bea, page);
        var forged = post(abe, page + "/approve", Map.of("step", "plan", "comment", "my own"));
        var approved = post(bea, page + "/approve", Map.of("step", "plan", "comment", "looks right"));
        settle();
        var after = get(bea, page);

        assertThat(own.body()).doesNotContain("id=\"approve\"").contains("id=\"why-no-approve\"")
                .contains("was asked for by user:abe, who may not also approve its steps");
        assertThat(other.body()).contains("id=\"approve\"").contains("Approve the plan and start the move").contains("id=\"rollback\"");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("class=\"flash error\"").contains("who may not also approve its steps")
;
        assertThat(approved.statusCode()).isEqualTo(303);
        assertThat(approved.headers().firstValue("Location").orElse("")).isEqualTo(page + "?done=migration-approved");
        assertThat(after.body()).contains("id=\"skip-wait\"").contains("looks right").contains("user:bea");
    }

    @Test
    void a_refused_decision_is_a_message_on_the_page_and_changes_nothing() throws Exception {
        String page = create(olga);
        settle();

        var wrongStep = post(abe, page + "/approve", Map.of("step", "cutover"));
        var noStep = post(abe, page + "/approve", Map.of());
        var noWait = post(abe, page + "/skip-wait", Map.of());
        var notPaused = post(olga, page + "/retry", Map.of());
        var early = post(abe, page + "/decommission", Map.of("confirm_destroy", "true"));
        var viewer = post(vic, page + "/approve", Map.of("step", "plan"));
        var notFound = get(vic, "/workspaces/web/migrations/999");
        var notNumber = get(vic, "/workspaces/web/migrations/first");

        assertThat(wrongStep.statusCode()).isEqualTo(409);
        assertThat(wrongStep.body()).contains("is awaiting_approval at plan; step cutover is not awaiting approval.")
                .contains("id=\"approve\"");
        assertThat(noStep.statusCode()).isEqualTo(400);
        assertThat(noStep.body()).contains("The form named no step to approve.");
        assertThat(noWait.statusCode()).isEqualTo(409);
        assertThat(noWait.body()).contains("only a waiting migration has a wait to skip");
        assertThat(notPaused.statusCode()).isEqualTo(409);
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(viewer.body()).contains("You may not do this");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).contains("Workspace web has no migration 999.");
        assertThat(notNumber.statusCode()).isEqualTo(400);
        assertThat(get(vic, page).body()).contains("id=\"migration-status\">needs approval<");
    }

    @Test
    void a_failed_capacity_check_is_highlighted_and_an_operator_may_retry_the_paused_plan() throws Exception {
        fake.findings = List.of(new MigrationPlan.Finding("memory", true, "pve-b has 24 GiB free, the VM needs 4 GiB"),
                new MigrationPlan.Finding("storage", false, "storage local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB"));
        String page = create(olga);
        settle();

        var paused = get(olga, page);
        var viewed = get(vic, page);
        var retried = post(olga, page + "/retry", Map.of());

        assertThat(paused.body()).contains("id=\"migration-status\">paused<").contains("id=\"checks-failed\"")
                .contains("<li class=\"failed\">").contains("storage local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB")
                .contains("id=\"migration-message\" class=\"error-text\"").contains("id=\"retry\"");
        assertThat(viewed.body()).doesNotContain("id=\"retry\"");
        assertThat(retried.statusCode()).isEqualTo(303);
        assertThat(get(olga, page).body()).contains("retry asked").contains("id=\"migration-status\">running<");
    }

    @Test
    void the_ttl_wait_counts_down_an_approver_skips_it_and_a_rollback_shows_its_own_steps() throws Exception {
        String page = create(olga);
        settle();
        post(abe, page + "/approve", Map.of("step", "plan"));
        settle();

        var waiting = get(abe, page);
        var skipped = post(abe, page + "/skip-wait", Map.of("comment", "low traffic now"));
        settle();
        var rollback = post(abe, page + "/rollback", Map.of("comment", "not today"));
        settle();
        var back = get(vic, page);

        assertThat(waiting.body()).contains("id=\"migration-status\">waiting<").contains("id=\"countdown\" data-until=\"")
                .contains("resolvers forget the old TTL").contains("id=\"skip-wait\"").contains("data-live=\"true\"");
        assertThat(skipped.statusCode()).isEqualTo(303);
        assertThat(rollback.statusCode()).isEqualTo(303);
        assertThat(back.body()).contains("id=\"migration-status\">rolled back<").contains("rollback asked")
                .contains("data-step=\"rollback_ttl\"").contains("rollback: release the target").doesNotContain("id=\"countdown\"")
                .doesNotContain("id=\"rollback\"");
        assertThat(fake.world).containsEntry("dns", "a").containsEntry("vm", "a");
    }

    @Test
    void decommission_needs_its_box_ticked_and_then_completes_the_migration() throws Exception {
        fake.adoptRunApplied = true;
        String page = create(olga);
        var runner = h2.wiring().migrationRunner();
        runner.settle();
        for (String step : List.of("plan", "cutover", "switch_dns")) {
            if (step.equals("cutover")) {
                post(abe, page + "/skip-wait", Map.of());
                runner.settle();
            }
            assertThat(post(abe, page + "/approve", Map.of("step", step)).statusCode()).as(step).isEqualTo(303);
            runner.settle();
        }
        post(abe, page + "/skip-wait", Map.of());
        runner.settle();
        var atDecommission = get(abe, page);
        var unticked = post(abe, page + "/decommission", Map.of("comment", "proven for a week"));
        var ticked = post(abe, page + "/decommission", Map.of("confirm_destroy", "true"));
        runner.settle();

        assertThat(atDecommission.body()).contains("id=\"confirm-destroy\"").contains("id=\"decommission\"")
                .doesNotContain("id=\"approve\"");
        assertThat(unticked.statusCode()).isEqualTo(409);
        assertThat(unticked.body()).contains("tick the confirmation box").contains(">proven for a week</textarea>");
        assertThat(ticked.statusCode()).isEqualTo(303);
        assertThat(get(vic, page).body()).contains("id=\"migration-status\">completed<").doesNotContain("id=\"decide-h\"");
        assertThat(fake.world).containsEntry("source", "gone");
    }
}
