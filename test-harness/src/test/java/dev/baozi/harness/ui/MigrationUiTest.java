package dev.baozi.harness.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.browser.AxeViolation;
import dev.baozi.harness.browser.Browser;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepResult;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The migration wizard in real headless Chromium against the real orchestrator (its own migration
 * worker), OpenBao and two Proxmox simulators registered as providers {@code sim-a} and {@code sim-b};
 * the steps' work is a fake (the real one is tested on its own). An operator chooses the target from
 * sim-b's storages and bridges; an approver reviews the plan, approves, watches the countdown and
 * the steps move on the page, approves the cutover, DNS switch and decommission (with its box); a
 * second migration is rolled back; a viewer gets no buttons and a forged POST is refused. Every page
 * is screenshotted at desktop and phone width (target/screenshots) and axe finds nothing.
 */
@Tag("browser")
@Tag("openbao")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationUiTest {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final String FIRST_PASSWORD = "one-time password for the test 1";
    private static final String OWN_PASSWORD = "my own long password 2";

    private static OpenBaoServer bao;
    private static ProxmoxSimulator simA;
    private static ProxmoxSimulator simB;
    private static Orchestrator orchestrator;
    private static Browser browser;
    private static String base;
    private static String page;

    /** Every step done at once, except the TTL wait (ten minutes) and a cutover whose details carry its task's log. */
    private static final class Steps implements MigrationActions {

        @Override
        public PlanResult plan(Migration m) {
            return new PlanResult.Planned(new MigrationPlan("10.1.0.7", new MigrationPlan.TargetVm("pve1", 101, m.target().storage(),
                    m.target().bridge()), List.of(new MigrationPlan.DnsChange("shop.example.org", "A", "10.0.0.5", "10.1.0.7"),
                    new MigrationPlan.DnsChange("www.shop.example.org", "CNAME", "shop.example.org.", "shop.example.org.")),
                    new MigrationPlan.Ttl(3600, 60), "vzdump of VM 100 on sim-a (snapshot mode) to local", 95,
                    List.of(new MigrationPlan.Finding("memory", true, "pve1 on sim-b has 30 GiB free, the VM needs 2 GiB"),
                            new MigrationPlan.Finding("storage", true, m.target().storage() + " on pve1 has 500 GiB free, the disk needs 32 GiB"),
                            new MigrationPlan.Finding("bridge", true, m.target().bridge() + " exists on pve1"),
                            new MigrationPlan.Finding("address", true, "10.1.0.7 reserved in " + m.target().pool()))));
        }

        @Override
        public StepResult backup(Migration m) {
            return new StepResult.Done(Map.of("volume", "local:backup/vzdump-qemu-100-2026_12_03-20_00_00.vma.zst", "size", "1.2 GiB"));
        }

        @Override
        public StepResult lowerTtl(Migration m) {
            OffsetDateTime until = OffsetDateTime.now().plusMinutes(10);
            return new StepResult.Wait("the old TTL (3600 s) passes", until, Map.of("ttl", "3600 → 60"));
        }

        @Override
        public StepResult cutover(Migration m) {
            return new StepResult.Done(Map.of("task", "UPID:pve1:00001234:remote-migrate", "log",
                    "starting remote migration of VM 100 to sim-b\nshutdown: VM 100 stopped after 4 s\n"
                            + "transferred 32.0 GiB of 32.0 GiB (100.00%)\nmigration finished successfully"));
        }

        @Override
        public StepResult adopt(Migration m) {
            return new StepResult.Done(Map.of("run", "12"));
        }

        @Override
        public StepResult startVerify(Migration m) {
            return new StepResult.Done(Map.of("marker", "read back on sim-b"));
        }

        @Override
        public StepResult switchDns(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult soak(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult decommission(Migration m) {
            return new StepResult.Done(Map.of("destroyed", "VM 100 on sim-a"));
        }

        @Override
        public StepResult startSource(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult dnsBack(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult stateBack(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult releaseTarget(Migration m) {
            return StepResult.done();
        }

        @Override
        public StepResult restoreTtl(Migration m) {
            return StepResult.done();
        }
    }

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        simA = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults());
        simB = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_MIGRATIONS_POLL", "1s", "BAOZI_MIGRATIONS_SOAK", "3d"),
                new Orchestrator.Extras(UnaryOperator.identity(), List.of(), new Steps()));
        base = "http://127.0.0.1:" + orchestrator.port();
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        TestSupport.registerSimulator(admin, simA, "sim-a");
        TestSupport.registerSimulator(admin, simB, "sim-b");
        new WorkspaceRepository(orchestrator.database().dsl()).insert("shop", "deployment", ApiClient.JSON.createObjectNode(), "1.12.6",
                "test", OffsetDateTime.now(), "sim-a");
        for (String[] user : List.of(new String[] {"olga", "operator"}, new String[] {"abe", "approver"},
                new String[] {"vic", "viewer"})) {
            var created = admin.post("/users", Map.of("name", user[0], "role", user[1], "password", FIRST_PASSWORD));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        simA.close();
        simB.close();
        bao.close();
    }

    private static WebDriver driver() {
        return browser.driver();
    }

    private static String text(By by) {
        return driver().findElement(by).getText();
    }

    /** The migration's status badge, read again if the page reloads under the read. */
    private static String status() {
        try {
            return text(By.id("migration-status"));
        } catch (WebDriverException e) {
            return "";
        }
    }

    private static void awaitStatus(String status, String step) {
        browser.waitUntil(WAIT, "the migration to be " + status + " at " + step, () -> {
            try {
                return status().equals(status) && text(By.id("migration-step")).equals(step);
            } catch (WebDriverException e) {
                return false;
            }
        });
    }

    private static String flash() {
        return driver().findElements(By.cssSelector(".flash")).stream().map(WebElement::getText).findFirst().orElse("");
    }

    /** Screenshots the page at desktop and at phone width (390 px), and checks it with axe at both. */
    private static void look(String name) {
        for (int[] size : List.of(new int[] {1366, 1600}, new int[] {390, 2400})) {
            driver().manage().window().setSize(new Dimension(size[0], size[1]));
            browser.screenshot("migration-" + name + "-" + size[0]);
            if (!driver().findElements(By.id("timeline")).isEmpty()) {
                ((JavascriptExecutor) driver()).executeScript("document.getElementById('timeline-h').scrollIntoView();");
                browser.screenshot("migration-" + name + "-" + size[0] + "-steps");
                ((JavascriptExecutor) driver()).executeScript("window.scrollTo(0, 0);");
            }
            List<AxeViolation> violations = browser.axe();
            assertThat(violations).as("accessibility violations on the " + name + " page at " + size[0] + " px").isEmpty();
            Object overflow = ((JavascriptExecutor) driver()).executeScript(
                    "return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
            assertThat(overflow).as("the " + name + " page scrolls sideways at " + size[0] + " px").isEqualTo(false);
        }
        driver().manage().window().setSize(new Dimension(1366, 900));
    }

    @Test
    @Order(1)
    void an_operator_chooses_the_target_from_the_workspace_page_and_sees_the_plan_but_no_approve_button() {
        browser.firstLogIn(base, "olga", FIRST_PASSWORD, OWN_PASSWORD, WAIT);
        driver().get(base + "/workspaces/shop");
        driver().findElement(By.id("move-link")).click();
        browser.waitFor(By.id("target-form"), WAIT);

        assertThat(new Select(driver().findElement(By.id("provider"))).getFirstSelectedOption().getText()).isEqualTo("sim-b");
        Select storage = new Select(driver().findElement(By.id("storage")));
        Select bridge = new Select(driver().findElement(By.id("bridge")));
        assertThat(storage.getFirstSelectedOption().getAttribute("value")).isEqualTo("local-lvm");
        assertThat(storage.getOptions()).extracting(WebElement::getText).anyMatch(t -> t.startsWith("local-lvm (lvmthin, "));
        assertThat(bridge.getOptions()).extracting(o -> o.getAttribute("value")).containsExactly("vmbr0", "vmbr1");
        assertThat(bridge.getFirstSelectedOption().getAttribute("value")).isEqualTo("vmbr0");
        driver().findElement(By.id("pool")).sendKeys("10.1.0.0/24");
        look("wizard");

        driver().findElement(By.id("plan-move")).click();
        browser.waitUntil(WAIT, "the migration page", () -> driver().getCurrentUrl().matches(".*/migrations/\\d+"));
        page = driver().getCurrentUrl();
        awaitStatus("needs approval", "plan");

        assertThat(text(By.id("plan"))).contains("10.1.0.7").contains("VM 101 on node pve1, disk on local-lvm, network on vmbr0")
                .contains("about 1 min 35 s");
        assertThat(driver().findElements(By.cssSelector("#checks li.ok"))).hasSize(4);
        assertThat(driver().findElements(By.id("approve"))).as("the operator who asked gets no approve button").isEmpty();
        look("planned");
    }

    @Test
    @Order(2)
    void an_approver_approves_the_plan_and_watches_the_countdown_and_the_steps_move_on_the_page() {
        browser.firstLogIn(base, "abe", FIRST_PASSWORD, OWN_PASSWORD, WAIT);
        driver().get(page);
        driver().findElement(By.id("approve-comment")).sendKeys("capacity is fine");
        driver().findElement(By.id("approve")).click();
        awaitStatus("waiting", "lower TTL");

        String first = text(By.id("countdown-left"));
        browser.waitUntil(WAIT, "the countdown to tick", () -> !text(By.id("countdown-left")).equals(first));
        assertThat(text(By.id("countdown"))).contains("left: resolvers forget the old TTL");
        assertThat(text(By.cssSelector("[data-step=plan]"))).contains("approved by user:abe").contains("capacity is fine");
        assertThat(text(By.cssSelector("[data-step=backup]"))).contains("vzdump-qemu-100");
        look("waiting");

        driver().findElement(By.id("skip-wait")).click();
        awaitStatus("needs approval", "cutover");
        driver().findElement(By.id("approve")).click();
        awaitStatus("needs approval", "switch DNS");
        assertThat(text(By.cssSelector("[data-step=cutover] pre.log"))).contains("transferred 32.0 GiB of 32.0 GiB (100.00%)");
        assertThat(driver().findElement(By.cssSelector("[data-step=adopt] a")).getAttribute("href")).endsWith("/runs/12");
        look("switch-dns");

        driver().findElement(By.id("approve")).click();
        awaitStatus("waiting", "soak");
        assertThat(text(By.id("countdown-left"))).startsWith("2 d 23 h");
        driver().findElement(By.id("skip-wait")).click();
        awaitStatus("needs approval", "decommission");
        assertThat(driver().findElements(By.id("approve"))).isEmpty();
        look("decommission");

        driver().findElement(By.id("decommission-comment")).sendKeys("proven");
        driver().findElement(By.id("decommission")).click();
        browser.waitFor(By.cssSelector(".flash.error"), WAIT);
        assertThat(flash()).contains("tick the confirmation box");
        assertThat(driver().findElement(By.id("decommission-comment")).getAttribute("value")).isEqualTo("proven");
        driver().findElement(By.id("confirm-destroy")).click();
        driver().findElement(By.id("decommission")).click();
        awaitStatus("completed", "decommission");
        assertThat(driver().findElements(By.cssSelector("ol.timeline > li.done"))).hasSize(9);
        assertThat(driver().findElements(By.id("decide-h"))).isEmpty();
        look("completed");
    }

    @Test
    @Order(3)
    void a_second_migration_is_rolled_back_from_its_plan_and_the_list_shows_both() {
        browser.logIn(base, "olga", OWN_PASSWORD, WAIT);
        driver().get(base + "/workspaces/shop/migrations");
        driver().findElement(By.id("move")).click();
        browser.waitFor(By.id("pool"), WAIT).sendKeys("10.1.0.0/24");
        new Select(driver().findElement(By.id("bridge"))).selectByValue("vmbr1");
        driver().findElement(By.id("plan-move")).click();
        browser.waitUntil(WAIT, "the migration page", () -> driver().getCurrentUrl().matches(".*/migrations/\\d+"));
        String second = driver().getCurrentUrl();
        awaitStatus("needs approval", "plan");

        browser.logIn(base, "abe", OWN_PASSWORD, WAIT);
        driver().get(second);
        driver().findElement(By.id("rollback")).click();
        awaitStatus("rolled back", "rollback: restore the TTL");
        assertThat(driver().findElements(By.cssSelector("ol.timeline > li[data-step^=rollback_].done"))).hasSize(5);
        look("rolled-back");

        driver().get(base + "/workspaces/shop/migrations");
        assertThat(driver().findElements(By.cssSelector("#migrations tbody tr"))).hasSize(2);
        assertThat(text(By.id("migrations"))).contains("completed").contains("rolled back");
        look("list");
    }

    @Test
    @Order(4)
    void a_viewer_sees_no_buttons_and_a_forged_approval_is_refused() {
        browser.firstLogIn(base, "vic", FIRST_PASSWORD, OWN_PASSWORD, WAIT);
        driver().get(base + "/workspaces/shop");
        assertThat(driver().findElements(By.id("move-link"))).isEmpty();
        driver().findElement(By.id("migrations-link")).click();
        assertThat(driver().findElements(By.id("move"))).isEmpty();
        driver().get(page);
        assertThat(driver().findElements(By.cssSelector("main form"))).isEmpty();
        String csrf = driver().findElement(By.cssSelector("input[name=_csrf]")).getAttribute("value");

        Object forged = ((JavascriptExecutor) driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[1] + '/rollback', {method: 'POST', credentials: 'same-origin',
                    body: new URLSearchParams({_csrf: arguments[0]})})
                  .then(r => done(r.status)).catch(e => done(String(e)));""", csrf, page);

        assertThat(forged).isEqualTo(403L);
    }
}
