package dev.baozi.harness.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.browser.AxeViolation;
import dev.baozi.harness.browser.Browser;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The approval flow in real headless Chromium against the real orchestrator, tofu and OpenBao:
 * an operator queues a plan that creates, updates, replaces and destroys; an approver reads the
 * counts and an attribute diff, watches the log arrive, approves with the destroy confirmation
 * and sees the run applied. A viewer gets no Approve button and a forged POST is refused.
 * Screenshots land in target/screenshots for a reviewer.
 */
@Tag("tofu")
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprovalUiTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String FIRST_PASSWORD = "one-time password for the test 1";
    private static final String OWN_PASSWORD = "my own long password 2";

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static Browser browser;
    private static String base;
    private static long runId;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        Path runsDir = Files.createTempDirectory("ui-runs");
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_DIR", runsDir.toString()));
        base = "http://127.0.0.1:" + orchestrator.port();
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        for (String[] user : List.of(new String[] {"olga", "operator"}, new String[] {"abe", "approver"},
                new String[] {"vic", "viewer"})) {
            var created = admin.post("/users", Map.of("name", user[0], "role", user[1], "password", FIRST_PASSWORD));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        ApiClient operator = admin.user("otto", "operator");
        ApiClient approver = admin.user("anna", "approver");
        var ws = operator.post("/workspaces", Map.of("name", "shop", "template", "demo-data",
                "inputs", Map.of("names", List.of("a", "b"), "delay_seconds", 3)));
        assertThat(ws.status()).as(ws.toString()).isEqualTo(201);
        long first = operator.post("/workspaces/shop/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(first, WAIT, "planned");
        assertThat(approver.post("/runs/" + first + "/approve", Map.of("comment", "first")).status()).isEqualTo(200);
        operator.awaitRun(first, WAIT, "applied");
        driftTheState();
        browser = Browser.start();
    }

    /**
     * Edits the applied state through the state backend so that the next plan has every kind of
     * change: item "a" has a stale input (update), item "b" and the slow resource are gone
     * (create; the slow one sleeps while applying, so the log has time to arrive live), the
     * marker has another trigger (replace) and an item "z" exists that the configuration lacks
     * (destroy).
     */
    private static void driftTheState() throws Exception {
        String token = admin.post("/workspaces/shop/state-tokens", Map.of("name", "edit", "access", "read-write"))
                .body().path("token").asText();
        var http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("t:" + token).getBytes());
        String url = base + "/state/shop";
        JsonNode got = ApiClient.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        ObjectNode state = got.deepCopy();
        state.put("serial", state.path("serial").asLong() + 1);
        ArrayNode kept = ApiClient.JSON.createArrayNode();
        for (JsonNode resource : state.path("resources")) {
            String name = resource.path("name").asText();
            if (name.equals("slow")) {
                continue;
            }
            ObjectNode r = resource.deepCopy();
            if (name.equals("item")) {
                ArrayNode instances = ApiClient.JSON.createArrayNode();
                for (JsonNode instance : r.path("instances")) {
                    String key = instance.path("index_key").asText();
                    if (key.equals("a")) {
                        // terraform_data's input and output are dynamic: the state keeps {"value", "type"}.
                        ObjectNode a = instance.deepCopy();
                        ((ObjectNode) a.path("attributes").path("input")).put("value", "stale a");
                        ((ObjectNode) a.path("attributes").path("output")).put("value", "stale a");
                        instances.add(a);
                        ObjectNode z = instance.deepCopy();
                        z.put("index_key", "z");
                        ((ObjectNode) z.path("attributes").path("input")).put("value", "hello z");
                        ((ObjectNode) z.path("attributes").path("output")).put("value", "hello z");
                        ((ObjectNode) z.path("attributes")).put("id", "00000000-0000-0000-0000-0000000000ff");
                        instances.add(z);
                    }
                }
                r.set("instances", instances);
            }
            if (name.equals("marker")) {
                ((ObjectNode) r.path("instances").get(0).path("attributes").path("triggers_replace")).put("value", 0);
            }
            kept.add(r);
        }
        state.set("resources", kept);
        var posted = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofString(state.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        orchestrator.close();
        bao.close();
    }

    private static WebDriver driver() {
        return browser.driver();
    }

    private static void logIn(String name, String password) {
        browser.logIn(base, name, password, WAIT);
    }

    /** Logs in with the one-time password and sets an own one, as the first login demands. */
    private static void firstLogIn(String name) {
        browser.firstLogIn(base, name, FIRST_PASSWORD, OWN_PASSWORD, WAIT);
    }

    private static String status() {
        return driver().findElement(By.id("run-status")).getText();
    }

    /** The one-time message the page shows after an action (empty when none). */
    static String flash() {
        return driver().findElements(By.cssSelector(".flash.ok")).stream().map(WebElement::getText).findFirst().orElse("");
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(script, args);
    }

    /** Marks the current page, so a later check can tell whether it is still the same page (no reload). */
    private static void markPage() {
        js("window.baoziTestMark = 'same page';");
    }

    private static boolean samePage() {
        return "same page".equals(js("return window.baoziTestMark || null;"));
    }

    private static int lineCount() {
        return driver().findElements(By.cssSelector("#log .line")).size();
    }

    private static void assertNoSeriousAxeViolations(String page) {
        List<AxeViolation> serious = browser.axe().stream().filter(AxeViolation::serious).toList();
        assertThat(serious).as("serious accessibility violations on the " + page + " page").isEmpty();
    }

    @Test
    @Order(1)
    void an_operator_queues_a_plan_and_sees_its_log_arrive_without_reloading_then_no_approve_button() {
        firstLogIn("olga");
        driver().get(base + "/workspaces?q=sho");
        assertThat(driver().findElement(By.cssSelector("main table")).getText()).contains("shop").contains("applied");
        driver().findElement(By.linkText("shop")).click();
        browser.waitFor(By.id("queue-plan"), WAIT).click();
        browser.waitUntil(WAIT, "the run page", () -> driver().getCurrentUrl().matches(".*/runs/\\d+.*"));
        runId = Long.parseLong(driver().getCurrentUrl().replaceAll(".*/runs/(\\d+).*", "$1"));
        markPage();
        int atLoad = lineCount();
        String statusAtLoad = status();

        browser.waitUntil(WAIT, "log lines to arrive on the page as it is", () -> samePage() && lineCount() > atLoad
                || !samePage());
        boolean arrivedLive = samePage() && lineCount() > atLoad;
        browser.waitUntil(WAIT, "the plan to end", () -> List.of("needs approval", "errored", "no changes").contains(status()));

        assertThat(status()).as(driver().findElement(By.tagName("main")).getText()).isEqualTo("needs approval");
        assertThat(statusAtLoad).isIn("queued", "planning");
        assertThat(arrivedLive).as("log lines appeared on the page it was loaded as, before any reload").isTrue();
        assertThat(driver().findElements(By.id("approve"))).as("an operator sees no Approve button").isEmpty();
        assertThat(driver().findElements(By.id("cancel"))).as("an operator may cancel").isNotEmpty();
    }

    @Test
    @Order(2)
    void an_approver_sees_the_counts_and_an_attribute_diff_and_must_confirm_the_destroy() throws Exception {
        firstLogIn("abe");
        driver().get(base + "/runs/" + runId);

        assertThat(driver().findElement(By.cssSelector("[data-count=create]")).getText()).isEqualTo("2");
        assertThat(driver().findElement(By.cssSelector("[data-count=update]")).getText()).isEqualTo("1");
        assertThat(driver().findElement(By.cssSelector("[data-count=replace]")).getText()).isEqualTo("1");
        assertThat(driver().findElement(By.cssSelector("[data-count=delete]")).getText()).isEqualTo("1");
        WebElement update = driver().findElement(By.cssSelector("details.change.update"));
        update.findElement(By.tagName("summary")).click();
        String diff = update.findElement(By.cssSelector("tr.changed")).getText();
        assertThat(update.findElement(By.tagName("summary")).getText()).isEqualTo("module.demo-data.terraform_data.item[\"a\"]");
        assertThat(diff).contains("input").contains("\"stale a\"").contains("\"hello a\"");
        assertThat(driver().findElement(By.cssSelector("details.change.delete summary")).getText())
                .isEqualTo("module.demo-data.terraform_data.item[\"z\"]");
        browser.screenshot("run-page-planned");
        assertNoSeriousAxeViolations("run");

        driver().findElement(By.id("comment")).sendKeys("drift repaired, z goes");
        driver().findElement(By.id("approve")).click();
        browser.waitFor(By.cssSelector(".flash.error"), WAIT);
        assertThat(driver().findElement(By.cssSelector(".flash.error")).getText()).contains("tick the confirmation box");
        assertThat(status()).isEqualTo("needs approval");
        assertThat(driver().findElement(By.id("comment")).getAttribute("value")).as("the typed comment is kept")
                .isEqualTo("drift repaired, z goes");

        driver().findElement(By.id("confirm-destroy")).click();
        driver().findElement(By.id("approve")).click();
        browser.waitUntil(WAIT, "the approved run page", () -> flash().contains("Run approved"));
        markPage();
        int atLoad = lineCount();
        browser.waitUntil(WAIT, "apply log lines on the page as it is", () -> !samePage() || lineCount() > atLoad);
        boolean arrivedLive = samePage() && lineCount() > atLoad;
        browser.waitUntil(WAIT, "the run to be applied", () -> {
            try {
                return status().equals("applied");
            } catch (org.openqa.selenium.WebDriverException e) {
                return false; // the page reloaded under the read
            }
        });

        assertThat(arrivedLive).as("apply log lines appeared without a reload").isTrue();
        assertThat(driver().findElement(By.cssSelector("#record-h + p")).getText())
                .contains("Approved").contains("user:abe").contains("destruction confirmed");
        assertThat(driver().findElement(By.id("log")).getText()).contains("Apply complete!");
        browser.screenshot("run-page-applied");
    }

    @Test
    @Order(3)
    void the_workspace_page_shows_the_runs_the_resources_and_the_generated_files() {
        driver().get(base + "/workspaces/shop");

        assertThat(driver().findElement(By.cssSelector("main")).getText()).contains("demo-data").contains("#" + runId)
                .contains("applied");
        assertThat(driver().findElement(By.cssSelector("#state-h ~ details summary")).getText()).endsWith("resources");
        browser.screenshot("workspace-page");
        assertNoSeriousAxeViolations("workspace");
        driver().get(base + "/workspaces");
        assertNoSeriousAxeViolations("workspace list");
    }

    @Test
    @Order(4)
    void a_viewer_sees_no_decision_buttons_and_a_forged_post_is_refused() {
        firstLogIn("vic");
        driver().get(base + "/runs/" + runId);
        assertThat(driver().findElements(By.id("approve"))).isEmpty();
        assertThat(driver().findElements(By.id("queue-plan"))).isEmpty();
        String csrf = driver().findElement(By.cssSelector("input[name=_csrf]")).getAttribute("value");

        Object forged = ((JavascriptExecutor) driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/runs/%d/decision', {method: 'POST', credentials: 'same-origin',
                    body: new URLSearchParams({_csrf: arguments[0], decision: 'approve', confirm_destroy: 'true'})})
                  .then(r => done(r.status)).catch(e => done(String(e)));""".formatted(runId), csrf);

        assertThat(forged).isEqualTo(403L);
    }

    @Test
    @Order(5)
    void a_post_without_the_csrf_token_is_refused_even_for_an_admin_and_the_audit_page_shows_it() {
        var created = admin.post("/users", Map.of("name", "ada", "role", "admin", "password", FIRST_PASSWORD));
        assertThat(created.status()).isEqualTo(201);
        firstLogIn("ada");
        driver().get(base + "/workspaces/shop");

        Object missing = ((JavascriptExecutor) driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/workspaces/shop/runs', {method: 'POST', credentials: 'same-origin', body: new URLSearchParams({})})
                  .then(r => done(r.status)).catch(e => done(String(e)));""");
        driver().get(base + "/audit?action=csrf");

        assertThat(missing).isEqualTo(403L);
        assertThat(driver().findElement(By.cssSelector("main table tbody")).getText()).contains("ui.csrf-refused")
                .contains("/workspaces/shop/runs");
        assertNoSeriousAxeViolations("audit");
        driver().get(base + "/login");
        assertNoSeriousAxeViolations("login");
    }

    @Test
    @Order(6)
    void no_page_loads_more_than_200_kb_of_assets() {
        driver().get(base + "/runs/" + runId);
        long bytes = ((Number) js("""
                return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                  .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0);""")).longValue();
        List<String> resources = new ArrayList<>();
        ((List<?>) js("return performance.getEntriesByType('resource').map(e => e.name);")).forEach(r -> resources.add(r.toString()));

        assertThat(resources).allMatch(r -> r.startsWith(base + "/static/"));
        assertThat(bytes).isBetween(1L, 200L * 1024);
    }

    @Test
    @Order(7)
    void an_admin_compares_two_state_versions_rolls_back_and_force_unlocks_a_held_lock() throws Exception {
        logIn("ada", OWN_PASSWORD);
        driver().get(base + "/workspaces/shop");
        List<WebElement> versions = driver().findElements(By.cssSelector("#from option"));
        assertThat(versions.size()).isGreaterThanOrEqualTo(3);
        String newest = versions.getFirst().getAttribute("value");
        String drifted = null; // the version the test's edit wrote, before the second apply
        for (JsonNode v : admin.get("/workspaces/shop/state/versions").body().path("versions")) {
            if (v.path("who").asText().contains("edit")) {
                drifted = v.path("version").asText();
            }
        }
        assertThat(drifted).as(admin.get("/workspaces/shop/state/versions").toString()).isNotNull();
        new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("from"))).selectByValue(drifted);
        new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("to"))).selectByValue(newest);
        driver().findElement(By.xpath("//button[text()='Show differences']")).click();
        String diff = browser.waitFor(By.cssSelector(".diff"), WAIT).getText();

        assertThat(diff).contains("From version " + drifted + " to " + newest)
                .contains("module.demo-data.terraform_data.item[\"b\"] added")
                .contains("module.demo-data.terraform_data.item[\"z\"] removed")
                .contains("module.demo-data.terraform_data.item[\"a\"] changed");

        driver().findElement(By.cssSelector("button[aria-label='Roll back to version " + drifted + "']")).click();
        browser.waitUntil(WAIT, "the rollback to be done", () -> flash().contains("Rolled back"));
        assertThat(driver().findElements(By.cssSelector("#from option")).getFirst().getAttribute("value"))
                .isEqualTo(String.valueOf(Long.parseLong(newest) + 1));

        String token = admin.post("/workspaces/shop/state-tokens", Map.of("name", "lock", "access", "read-write"))
                .body().path("token").asText();
        var lock = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/state/shop"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("t:" + token).getBytes()))
                .method("LOCK", HttpRequest.BodyPublishers.ofString("""
                        {"ID": "held-by-a-laptop", "Operation": "OperationTypeApply", "Who": "someone@laptop",
                         "Version": "1.12.6", "Created": "2026-11-22T08:00:00Z", "Path": "", "Info": ""}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(lock.statusCode()).isEqualTo(200);
        driver().get(base + "/workspaces/shop");
        assertThat(driver().findElement(By.cssSelector("dl.facts")).getText()).contains("locked by someone@laptop");
        driver().findElement(By.xpath("//button[text()='Force-unlock']")).click();
        browser.waitUntil(WAIT, "the lock to be released", () -> flash().contains("force-released"));

        assertThat(driver().findElement(By.cssSelector("dl.facts")).getText()).contains("State lock\nfree");
        assertThat(admin.get("/workspaces/shop/lock").status()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void a_queued_plan_can_be_canceled_from_its_page() {
        logIn("ada", OWN_PASSWORD);
        driver().get(base + "/workspaces/shop");
        driver().findElement(By.id("queue-plan")).click();
        browser.waitUntil(WAIT, "the run page", () -> driver().getCurrentUrl().matches(".*/runs/\\d+.*"));
        browser.waitFor(By.id("cancel"), WAIT).click();
        browser.waitUntil(WAIT, "the run to end canceled", () -> {
            try {
                driver().navigate().refresh();
                return status().equals("canceled");
            } catch (org.openqa.selenium.WebDriverException e) {
                return false; // the page reloaded under the read
            }
        });

        assertThat(driver().findElement(By.cssSelector("#record-h + p")).getText()).contains("Canceled").contains("user:ada");
    }
}
