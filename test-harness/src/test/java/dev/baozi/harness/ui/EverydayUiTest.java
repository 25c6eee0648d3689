package dev.baozi.harness.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.browser.AxeViolation;
import dev.baozi.harness.browser.Browser;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openqa.selenium.support.ui.Select;

/**
 * What a person does every day in the web UI, in real headless Chromium against the real
 * orchestrator, tofu and OpenBao: an operator creates a workspace and edits its inputs from forms
 * (a refusal keeps what was typed, a secret is never sent back); an approver who queued a plan is
 * told why they may not approve it; the log shows times and no lock-file noise; a replace is
 * queued from a resource's row; the approver reads changed attributes first and keeps their
 * comment after a refusal; state versions link to their runs; statuses read the same everywhere.
 * Screenshots land in target/screenshots.
 */
@Tag("tofu")
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EverydayUiTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String FIRST_PASSWORD = "one-time password for the test 1";
    private static final String OWN_PASSWORD = "my own long password 2";
    private static final String CANARY = "s3cret-canary-7d1f";
    private static final String ITEM_A = "module.demo-data.terraform_data.item[\"a\"]";

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient anna;
    private static Browser browser;
    private static String base;
    private static long firstRun;
    private static long replaceRun;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        Path runsDir = Files.createTempDirectory("everyday-runs");
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_DIR", runsDir.toString()));
        base = "http://127.0.0.1:" + orchestrator.port();
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        for (String[] user : List.of(new String[] {"olga", "operator"}, new String[] {"abe", "approver"},
                new String[] {"ada", "admin"})) {
            var created = admin.post("/users", Map.of("name", user[0], "role", user[1], "password", FIRST_PASSWORD));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        anna = admin.user("anna", "approver");
        browser = Browser.start();
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

    private static String flash() {
        return driver().findElements(By.cssSelector(".flash")).stream().map(WebElement::getText).findFirst().orElse("");
    }

    private static String value(String id) {
        return driver().findElement(By.id(id)).getAttribute("value");
    }

    private static void type(String id, String text) {
        WebElement field = driver().findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(script, args);
    }

    private static void assertNoSeriousAxeViolations(String page) {
        List<AxeViolation> serious = browser.axe().stream().filter(AxeViolation::serious).toList();
        assertThat(serious).as("serious accessibility violations on the " + page + " page").isEmpty();
    }

    private static void awaitStatus(String... statuses) {
        browser.waitUntil(WAIT, "the run to reach one of " + List.of(statuses), () -> {
            try {
                return List.of(statuses).contains(status());
            } catch (org.openqa.selenium.WebDriverException e) {
                return false; // the page reloaded under the read (stale, gone, or "node does not belong to the document")
            }
        });
    }

    @Test
    @Order(1)
    void an_operator_creates_a_workspace_from_the_form_and_a_refusal_keeps_what_was_typed_beside_its_problems() {
        firstLogIn("olga");
        driver().findElement(By.id("new-workspace")).click();
        new Select(browser.waitFor(By.id("template"), WAIT)).selectByValue("demo-data");
        driver().findElement(By.cssSelector("main form button[type=submit]")).click();
        browser.waitFor(By.id("var-names"), WAIT);
        type("name", "shop");
        type("var-names", "[\"a\", ");
        type("var-generation", "two");
        type("var-greeting", "hi there");
        type("var-secret_note", CANARY);
        driver().findElement(By.id("save-inputs")).click();
        browser.waitFor(By.id("var-names-error"), WAIT);

        assertThat(driver().findElement(By.id("var-names-error")).getText()).contains("must be JSON of type list(string)");
        assertThat(driver().findElement(By.id("var-generation-error")).getText()).isEqualTo("must be a number, not 'two'");
        assertThat(value("name")).isEqualTo("shop");
        assertThat(value("var-greeting")).isEqualTo("hi there");
        assertThat(value("var-names")).isEqualTo("[\"a\", ");
        assertThat(value("var-secret_note")).as("a secret is never sent back").isEmpty();
        assertThat(driver().getPageSource()).doesNotContain(CANARY);
        assertThat(driver().findElement(By.id("var-generation")).getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("inputs-form-refused");
        assertNoSeriousAxeViolations("new workspace");

        type("var-names", "[\"a\", \"b\"]");
        type("var-generation", "2");
        type("var-secret_note", CANARY);
        driver().findElement(By.id("save-inputs")).click();
        browser.waitUntil(WAIT, "the new workspace's page", () -> flash().contains("Workspace created"));

        assertThat(driver().getCurrentUrl()).endsWith("/workspaces/shop");
        String inputs = driver().findElement(By.cssSelector("#inputs-h ~ table")).getText();
        assertThat(inputs).contains("greeting hi there").contains("generation 2").contains("secret_note (sensitive)");
        assertThat(driver().getPageSource()).doesNotContain(CANARY);
    }

    @Test
    @Order(2)
    void editing_the_inputs_shows_a_problem_beside_its_field_and_a_blank_secret_keeps_its_value() {
        driver().get(base + "/workspaces/shop");
        driver().findElement(By.id("edit-inputs")).click();
        browser.waitFor(By.id("var-secret_note"), WAIT);
        assertThat(value("var-secret_note")).isEmpty();
        assertThat(driver().findElement(By.id("var-secret_note-hint")).getText()).contains("A value is set; leave blank to keep it.");
        assertThat(value("var-greeting")).isEqualTo("hi there");

        type("var-names", "{\"a\": 1}");
        driver().findElement(By.id("save-inputs")).click();
        browser.waitFor(By.id("var-names-error"), WAIT);
        assertThat(driver().findElement(By.id("var-names-error")).getText()).contains("must be list(string), got an object");
        assertThat(value("var-names")).isEqualTo("{\"a\": 1}");
        browser.screenshot("inputs-form-edit-refused");
        assertNoSeriousAxeViolations("inputs");

        type("var-names", "[\"a\", \"b\"]");
        type("var-greeting", "hello");
        driver().findElement(By.id("save-inputs")).click();
        browser.waitUntil(WAIT, "the saved inputs", () -> flash().contains("Inputs saved"));

        String inputs = driver().findElement(By.cssSelector("#inputs-h ~ table")).getText();
        assertThat(inputs).contains("greeting hello").contains("secret_note (sensitive)");
    }

    @Test
    @Order(3)
    void an_approver_who_queued_a_plan_is_told_why_they_may_not_approve_it_and_the_log_has_times_and_no_lock_file_noise() {
        firstLogIn("abe");
        driver().get(base + "/workspaces/shop");
        driver().findElement(By.id("queue-plan")).click();
        browser.waitUntil(WAIT, "the run page", () -> driver().getCurrentUrl().matches(".*/runs/\\d+.*"));
        firstRun = Long.parseLong(driver().getCurrentUrl().replaceAll(".*/runs/(\\d+).*", "$1"));
        awaitStatus("needs approval", "errored");

        assertThat(status()).as(driver().findElement(By.tagName("main")).getText()).isEqualTo("needs approval");
        assertThat(driver().findElements(By.id("approve"))).isEmpty();
        assertThat(driver().findElement(By.id("why-no-approve")).getText())
                .isEqualTo("Run " + firstRun + " was queued by user:abe, who may not also approve it; ask another approver.");
        assertThat(driver().findElements(By.id("discard"))).as("they may still discard it").isNotEmpty();
        assertThat(driver().getCurrentUrl()).as("the one-time message is gone from the address").doesNotContain("done=");
        driver().navigate().refresh();
        assertThat(flash()).as("'Plan queued.' does not outlive its page").isEmpty();
        String log = driver().findElement(By.id("log")).getText();
        assertThat(log).contains("plan ready:").doesNotContain("lock file").doesNotContain("checksums")
                .doesNotContain("Plan: ");
        List<WebElement> times = driver().findElements(By.cssSelector("#log .line .at"));
        assertThat(times).isNotEmpty();
        assertThat(times.getLast().getText()).matches("\\d\\d:\\d\\d:\\d\\d");
        assertThat((Boolean) js("const l = document.getElementById('log');"
                + " return l.scrollHeight <= l.clientHeight || l.scrollTop + l.clientHeight >= l.scrollHeight - 4;"))
                .as("the log shows its newest line").isTrue();
        WebElement create = driver().findElement(By.cssSelector("details.change.create"));
        create.findElement(By.tagName("summary")).click();
        assertThat(create.findElement(By.xpath(".//tr[th[normalize-space()='id']]/td[2]")).getText()).isEqualTo("→ known after apply");
        assertThat(create.findElement(By.xpath(".//tr[th[normalize-space()='output']]/td[2]")).getText())
                .isEqualTo("→ known after apply");
        assertThat(create.findElements(By.cssSelector("td code"))).extracting(WebElement::getText).doesNotContain("{}", "[]");
        browser.screenshot("run-page-own-run");
        js("document.getElementById('decide-h').scrollIntoView();");
        browser.screenshot("run-page-own-run-decision");
        js("document.getElementById('log-h').scrollIntoView();");
        browser.screenshot("run-page-own-run-log");
        assertNoSeriousAxeViolations("own run");

        assertThat(anna.post("/runs/" + firstRun + "/approve", Map.of("comment", "fine")).status()).isEqualTo(200);
        anna.awaitRun(firstRun, WAIT, "applied");
    }

    @Test
    @Order(4)
    void an_operator_queues_a_replace_from_a_resources_row() {
        logIn("olga", OWN_PASSWORD);
        driver().get(base + "/workspaces/shop/inputs");
        type("var-greeting", "hey");
        driver().findElement(By.id("save-inputs")).click();
        browser.waitUntil(WAIT, "the saved inputs", () -> flash().contains("Inputs saved"));
        driver().findElement(By.cssSelector("#state-h ~ details summary")).click();
        browser.screenshot("workspace-resources");
        driver().findElement(By.cssSelector("button[aria-label='Plan replacing " + ITEM_A.replace("\"", "\\\"") + "']")).click();
        browser.waitUntil(WAIT, "the run page", () -> driver().getCurrentUrl().matches(".*/runs/\\d+.*"));
        replaceRun = Long.parseLong(driver().getCurrentUrl().replaceAll(".*/runs/(\\d+).*", "$1"));

        assertThat(driver().findElement(By.id("run-replace")).getText()).isEqualTo(ITEM_A);
        awaitStatus("needs approval", "errored");
        assertThat(status()).isEqualTo("needs approval");
    }

    @Test
    @Order(5)
    void the_approver_reads_changed_attributes_first_and_keeps_the_comment_after_a_refusal() {
        logIn("abe", OWN_PASSWORD);
        driver().get(base + "/runs/" + replaceRun);

        assertThat(driver().findElement(By.cssSelector("[data-count=replace]")).getText()).isEqualTo("1");
        assertThat(driver().findElement(By.cssSelector("[data-count=update]")).getText()).isEqualTo("1");
        WebElement update = driver().findElement(By.cssSelector("details.change.update"));
        update.findElement(By.tagName("summary")).click();
        assertThat(update.findElements(By.cssSelector("table.attrs tr.changed th"))).extracting(WebElement::getText)
                .contains("input").doesNotContain("id");
        WebElement unchanged = update.findElement(By.cssSelector("details.unchanged"));
        assertThat(unchanged.getAttribute("open")).as("unchanged attributes are hidden at first").isNull();
        assertThat(unchanged.findElement(By.tagName("summary")).getText()).matches("\\d+ unchanged attributes?");
        assertThat(update.findElements(By.cssSelector("em.unknown"))).extracting(WebElement::getText).contains("known after apply");

        driver().findElement(By.id("comment")).sendKeys("a fresh item a");
        driver().findElement(By.id("approve")).click();
        browser.waitFor(By.cssSelector(".flash.error"), WAIT);
        assertThat(flash()).contains("tick the confirmation box");
        assertThat(value("comment")).isEqualTo("a fresh item a");
        browser.screenshot("run-page-refused-keeps-comment");

        driver().get(base + "/runs/" + replaceRun);
        assertThat(flash()).as("the refusal does not outlive its page").isEmpty();
        driver().findElement(By.id("comment")).sendKeys("a fresh item a");
        driver().findElement(By.id("confirm-destroy")).click();
        driver().findElement(By.id("approve")).click();
        browser.waitUntil(WAIT, "the approved run page", () -> flash().contains("Run approved"));
        awaitStatus("applied", "errored");

        assertThat(status()).isEqualTo("applied");
        assertThat(driver().findElement(By.cssSelector("#plan-h ~ table")).getText()).as("the items output after apply")
                .contains("known after apply").doesNotContain("{}");
        assertThat(driver().getCurrentUrl()).doesNotContain("done=");
        driver().navigate().refresh();
        assertThat(flash()).as("'Run approved' does not outlive its page").isEmpty();
        assertThat(driver().findElement(By.id("run-status")).getAttribute("class")).contains("status-applied");
        browser.screenshot("run-page-replace-applied");
        assertNoSeriousAxeViolations("applied run");
    }

    @Test
    @Order(6)
    void state_versions_link_to_the_runs_that_wrote_them_and_statuses_read_the_same_on_every_page() {
        firstLogIn("ada");
        driver().get(base + "/workspaces");
        WebElement listBadge = driver().findElement(By.cssSelector("main table .badge"));
        assertThat(listBadge.getText()).isEqualTo("applied");
        assertThat(listBadge.getAttribute("class")).contains("status-applied");

        driver().get(base + "/workspaces/shop");
        List<WebElement> rows = driver().findElements(By.cssSelector("#state-h ~ table tbody tr"));
        assertThat(rows.getFirst().getText()).contains("#" + replaceRun);
        assertThat(driver().findElements(By.cssSelector("#state-h ~ table a[href='/runs/" + firstRun + "']"))).isNotEmpty();
        WebElement runBadge = driver().findElement(By.cssSelector("#runs-h ~ table .badge.status-applied"));
        assertThat(runBadge.getText()).isEqualTo("applied");
        assertThat(driver().findElement(By.id("deployment-h")).getText()).as("no machine: only its outputs").isEqualTo("Outputs");
        assertThat(driver().findElements(By.id("deployment"))).isEmpty();
        assertThat(driver().findElement(By.id("outputs")).getText()).contains("items");
        browser.screenshot("workspace-page-everyday");
        assertNoSeriousAxeViolations("workspace");

        driver().get(base + "/audit");
        WebElement when = driver().findElement(By.cssSelector("table.audit tbody td.nowrap"));
        assertThat(js("return getComputedStyle(arguments[0]).whiteSpace;", when)).isEqualTo("nowrap");
        assertThat(driver().findElement(By.cssSelector("table.audit tbody")).getText()).contains("succeeded");
        browser.screenshot("audit-page");
        assertNoSeriousAxeViolations("audit");
    }
}
