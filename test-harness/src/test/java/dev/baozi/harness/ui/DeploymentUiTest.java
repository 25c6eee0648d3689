package dev.baozi.harness.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.browser.AxeViolation;
import dev.baozi.harness.browser.Browser;
import dev.baozi.harness.dns.PowerDnsServer;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A deployment's approval in real headless Chromium: the run page shows the address NetBox gave
 * and the DNS records octoDNS would write beside tofu's plan; approving applies both; the pools
 * page shows who holds the address; the workspace page shows the deployment's provider, address,
 * DNS names and VM. Real NetBox, PowerDNS and the Proxmox simulator behind it.
 */
@Tag("tofu")
@Tag("netbox")
@Tag("browser")
@Tag("slow")
class DeploymentUiTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String PASSWORD = "a password for the browser test";
    private static final String PREFIX = "10.50.0.0/24";

    private static OpenBaoServer bao;
    private static ProxmoxSimulator sim;
    private static PowerDnsServer pdns;
    private static Orchestrator orchestrator;
    private static Browser browser;
    private static String base;
    private static long runId;

    @BeforeAll
    static void start() {
        NetBoxServer netbox = NetBoxServer.shared();
        netbox.createPrefix(PREFIX);
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(20)));
        pdns = PowerDnsServer.startTemporary();
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_NETBOX_URL", netbox.url().toString(),
                "BAOZI_NETBOX_TOKEN", netbox.token(), "BAOZI_DNS_ZONES", "ui.test",
                "BAOZI_DNS_POWERDNS_URL", pdns.apiUrl().toString(), "BAOZI_DNS_POWERDNS_API_KEY", pdns.apiKey(),
                "BAOZI_DNS_BASE_CONFIG", TestStack.repoRoot().resolve("octodns-config/baozi.yaml").toString()));
        base = "http://127.0.0.1:" + orchestrator.port();
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        TestSupport.registerSimulator(admin, sim, "lab");
        var operator = admin.user("opal", "operator");
        assertThat(operator.post("/workspaces", Map.of("name", "blog", "template", "deployment", "provider", "lab",
                "inputs", Map.of("hostname", "blog.ui.test", "aliases", List.of("www.ui.test"), "pool", PREFIX))).status())
                .isEqualTo(201);
        runId = operator.post("/workspaces/blog/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(runId, WAIT, "planned");
        assertThat(admin.post("/users", Map.of("name", "april", "role", "approver", "password", PASSWORD)).status()).isEqualTo(201);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        orchestrator.close();
        pdns.close();
        sim.close();
        bao.close();
    }

    private static WebDriver driver() {
        return browser.driver();
    }

    private static void logInAndSetOwnPassword() {
        browser.firstLogIn(base, "april", PASSWORD, PASSWORD + " of my own", WAIT);
    }

    @Test
    void an_approver_sees_the_address_and_the_dns_records_beside_the_plan_approves_and_finds_the_address_in_the_pools() {
        logInAndSetOwnPassword();
        driver().get(base + "/runs/" + runId);

        String dns = driver().findElement(By.id("dns-changes")).getText();
        String address = NetBoxServer.shared().addressesIn(PREFIX).getFirst().path("address").asText();
        String ip = address.substring(0, address.indexOf('/'));
        var ipChange = driver().findElement(By.cssSelector("details.change.update summary"));
        assertThat(dns).contains("create blog.ui.test A").contains(ip).contains("create www.ui.test CNAME").contains("blog.ui.test.");
        assertThat(driver().findElements(By.id("force-dns"))).as("no force needed").isEmpty();
        assertThat(ipChange.getText()).as("the address NetBox reserved is imported, then updated")
                .isEqualTo("module.deployment.module.ip.netbox_ip_address.this[0] import");
        ipChange.click();
        assertThat(driver().findElement(By.cssSelector("details.change.update")).getText()).contains("reserved").contains("active");
        browser.screenshot("deployment-run-planned");
        ((org.openqa.selenium.JavascriptExecutor) driver()).executeScript("arguments[0].scrollIntoView()",
                driver().findElement(By.id("dns-changes")));
        browser.screenshot("deployment-run-side-plan");
        List<AxeViolation> serious = browser.axe().stream().filter(AxeViolation::serious).toList();
        assertThat(serious).as("serious accessibility violations on the run page").isEmpty();

        driver().findElement(By.id("approve")).click();
        browser.waitUntil(WAIT, "the run to be applied", () -> {
            driver().navigate().refresh();
            return driver().findElement(By.id("run-status")).getText().equals("applied");
        });
        assertThat(pdns.dig("blog.ui.test", "A")).containsExactly(ip);

        driver().get(base + "/pools");
        String pools = driver().findElement(By.tagName("main")).getText();
        assertThat(pools).contains("prefix " + PREFIX).contains(address).contains("blog").contains("blog.ui.test").contains("active");
        browser.screenshot("pools-page");
        assertThat(browser.axe().stream().filter(AxeViolation::serious).toList()).as("serious violations on the pools page").isEmpty();

        driver().get(base + "/workspaces/blog");
        String deployment = driver().findElement(By.id("deployment")).getText();
        assertThat(deployment).contains("Provider\nlab").contains("Address\n" + address).contains("blog.ui.test")
                .contains("www.ui.test").containsPattern("VM\\nVM \\d+ on node \\S+");
        assertThat(driver().findElement(By.id("outputs")).getText()).contains("vm_id").contains("mac_address");
        browser.screenshot("deployment-workspace-page");
        assertThat(browser.axe().stream().filter(AxeViolation::serious).toList()).as("serious violations on the workspace page").isEmpty();
    }
}
