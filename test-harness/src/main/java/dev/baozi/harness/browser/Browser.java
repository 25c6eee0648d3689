package dev.baozi.harness.browser;

import dev.baozi.harness.Deadline;
import dev.baozi.harness.StopAtExit;
import dev.baozi.harness.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's ChromeDriver. Both are named by path, so
 * Selenium Manager never runs and nothing is downloaded; the flags keep Chromium off the network
 * except for the pages a test opens. Each browser has a fresh profile in a temporary folder, which
 * {@link #close()} deletes after quitting the browser and stopping ChromeDriver.
 *
 * <p>The window is 1366×900; headless Chromium gives pages (and screenshots) a 1366×757 viewport of it.
 */
public final class Browser implements AutoCloseable {

    /** Where {@link #screenshot(String)} writes; default {@code target/screenshots} under the working directory. */
    public static final String SCREENSHOTS_DIR_PROPERTY = "baozi.screenshots.dir";

    // Without the background-networking flags Chromium keeps trying Google's hosts, which this
    // closed network refuses.
    private static final List<String> FLAGS = List.of(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1366,900");
    // Selenium looks for DevTools bindings matching Chromium's version and warns at every start
    // when it has none (selenium-java 4.45 ships v147 to v149; Debian's Chromium is newer). Nothing
    // here uses DevTools. Held here because java.util.logging keeps loggers only weakly.
    private static final List<Logger> QUIETED =
            quiet("org.openqa.selenium.devtools.CdpVersionFinder", "org.openqa.selenium.chromium.ChromiumDriver");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PAGE_LOAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LEFTOVERS_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> AXE_TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice");
    private static final String AXE_PRESENT = "return typeof window.axe === 'object' && typeof window.axe.run === 'function';";
    // Only what AxeViolation holds crosses back to Java: a full axe result is large.
    private static final String AXE_RUN = """
            var done = arguments[arguments.length - 1];
            window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(function (results) {
              done({violations: results.violations.map(function (v) {
                return {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(function (n) {
                  return n.target.map(function (t) { return [].concat(t).join(' >>> '); }).join(' ');
                })};
              })});
            }, function (error) {
              done({error: String(error && error.stack || error)});
            });
            """;

    private final Path home;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final StopAtExit quitAtExit;
    private String axeSource;

    private Browser(Path home, ChromeDriverService service, ChromeDriver driver) {
        this.home = home;
        this.service = service;
        this.driver = driver;
        this.quitAtExit = new StopAtExit("chromium-quit-" + home.getFileName(), this::close);
    }

    /** Starts ChromeDriver on a free loopback port and a headless Chromium with a fresh profile. */
    public static Browser start() {
        Path chromium = Tools.chromium();
        Path chromedriver = Tools.chromedriver();
        Path home;
        try {
            home = Files.createTempDirectory("baozi-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("starting Chromium: creating a temporary folder", e);
        }
        Path log = home.resolve("chromedriver.log");
        // Chromium's crash handlers keep their database under $XDG_CONFIG_HOME/chromium: ours, not
        // ~/.config. (--disable-crashpad-for-testing would spare them, but then pages never load.)
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(log.toFile())
                .withEnvironment(Map.of("XDG_CONFIG_HOME", home.resolve("config").toString()))
                .build();
        var options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + home.resolve("profile"));
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(SCRIPT_TIMEOUT).pageLoadTimeout(PAGE_LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            var failure = new IllegalStateException("starting Chromium (" + chromium + " through " + chromedriver
                    + "): " + firstLine(e.getMessage()) + "; chromedriver log: " + tail(log), e);
            List<ProcessHandle> started = processesOf(home);
            stopQuietly(service, failure);
            endLeftovers(started, failure);
            deleteQuietly(home, failure);
            throw failure;
        }
        var browser = new Browser(home, service, driver);
        browser.quitAtExit.arm();
        return browser;
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Saves the viewport as {@code <name>.png} in the folder {@value #SCREENSHOTS_DIR_PROPERTY}
     * names (replacing a file of that name) and returns its path.
     */
    public Path screenshot(String name) {
        Path dir = Path.of(System.getProperty(SCREENSHOTS_DIR_PROPERTY, "target/screenshots")).toAbsolutePath();
        String file = name.replaceAll("[^A-Za-z0-9._-]", "-");
        Path png = dir.resolve(file.endsWith(".png") ? file : file + ".png");
        try {
            Files.createDirectories(dir);
            Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("saving a screenshot of " + currentUrl() + " to " + png, e);
        }
        return png;
    }

    /**
     * Runs axe-core on the current page (WCAG 2.0 and 2.1 A and AA, and axe's best practices)
     * and returns what it found, injecting axe.min.js from the tools cache first if the page does
     * not have it yet.
     */
    public List<AxeViolation> axe() {
        String url = driver.getCurrentUrl();
        if (!Boolean.TRUE.equals(driver.executeScript(AXE_PRESENT))) {
            driver.executeScript(axeSource());
            if (!Boolean.TRUE.equals(driver.executeScript(AXE_PRESENT))) {
                throw new IllegalStateException("injecting axe-core into " + url + ": window.axe.run is still missing");
            }
        }
        if (!(driver.executeAsyncScript(AXE_RUN, AXE_TAGS) instanceof Map<?, ?> result)) {
            throw new IllegalStateException("running axe-core on " + url + ": no result came back");
        }
        if (result.get("error") != null) {
            throw new IllegalStateException("running axe-core on " + url + ": " + result.get("error"));
        }
        var violations = new ArrayList<AxeViolation>();
        for (Object each : (List<?>) result.get("violations")) {
            var v = (Map<?, ?>) each;
            violations.add(new AxeViolation(String.valueOf(v.get("id")), String.valueOf(v.get("impact")),
                    String.valueOf(v.get("help")), ((List<?>) v.get("targets")).stream().map(String::valueOf).toList()));
        }
        return List.copyOf(violations);
    }

    /** Waits until an element {@code by} finds is visible, and returns it. */
    public WebElement waitFor(By by, Duration timeout) {
        try {
            return waiting(timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
        } catch (TimeoutException e) {
            throw timedOut(timeout, by + " to be visible", e);
        }
    }

    /**
     * Polls {@code condition} until it returns true; an element it looks for that is missing or
     * was replaced meanwhile counts as not yet. The failure names {@code what} and the page.
     */
    public void waitUntil(Duration timeout, String what, Supplier<Boolean> condition) {
        try {
            waiting(timeout).until(d -> Boolean.TRUE.equals(condition.get()));
        } catch (TimeoutException e) {
            throw timedOut(timeout, what, e);
        }
    }

    /** Quits Chromium, stops ChromeDriver, ends any Chromium process of this profile still running, deletes the profile. */
    @Override
    public synchronized void close() {
        if (!quitAtExit.disarm()) {
            return;
        }
        var failure = new IllegalStateException("closing Chromium");
        List<ProcessHandle> started = processesOf(home);
        try {
            driver.quit();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        stopQuietly(service, failure);
        endLeftovers(started, failure);
        deleteQuietly(home, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private WebDriverWait waiting(Duration timeout) {
        var wait = new WebDriverWait(driver, timeout, POLL);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private IllegalStateException timedOut(Duration timeout, String what, TimeoutException cause) {
        String after = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
        return new IllegalStateException("timed out after " + after + " waiting for " + what
                + " (page " + currentUrl() + ")", cause);
    }

    private String currentUrl() {
        try {
            return driver.getCurrentUrl();
        } catch (WebDriverException e) {
            return "unknown: " + firstLine(e.getMessage());
        }
    }

    private String axeSource() {
        if (axeSource == null) {
            Path script = Tools.axeScript();
            try {
                axeSource = Files.readString(script, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading axe-core from " + script, e);
            }
        }
        return axeSource;
    }

    private static void stopQuietly(ChromeDriverService service, RuntimeException failure) {
        try {
            service.stop();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * ChromeDriver and everything under it, found by its log path, and the crash handlers, which
     * Chromium starts detached but with our folder on their command line. (Chromium's other
     * helpers rewrite their command lines, so only descent finds them.)
     */
    private static List<ProcessHandle> processesOf(Path home) {
        String marker = home.toString();
        Predicate<ProcessHandle> named = p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false);
        var found = new LinkedHashSet<ProcessHandle>();
        ProcessHandle.current().children().filter(named).forEach(driver -> {
            found.add(driver);
            driver.descendants().forEach(found::add);
        });
        ProcessHandle.allProcesses().filter(named).forEach(found::add);
        return List.copyOf(found);
    }

    /**
     * Waits for ChromeDriver and every process it had started to end, ending by force what has
     * not ended by itself once quit and stop have returned.
     */
    private static void endLeftovers(List<ProcessHandle> started, RuntimeException failure) {
        try {
            Deadline.await("Chromium's processes to end", LEFTOVERS_TIMEOUT, () -> {
                List<ProcessHandle> left = started.stream().filter(Browser::running).toList();
                left.forEach(ProcessHandle::destroyForcibly);
                return left.isEmpty();
            });
        } catch (IllegalStateException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Alive and not a zombie: Chromium's helpers outlive the browser by a moment and are then
     * reaped by init, which here may take a while; an exited one holds nothing but its pid.
     */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** Deletes the folder, again for a moment if something still wrote into it while it went. */
    private static void deleteQuietly(Path home, RuntimeException failure) {
        var last = new ArrayList<Exception>(1);
        try {
            Deadline.await("deleting " + home, LEFTOVERS_TIMEOUT, () -> {
                last.clear();
                try (Stream<Path> paths = Files.walk(home)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                    return true;
                } catch (NoSuchFileException gone) {
                    return true;
                } catch (IOException | UncheckedIOException e) {
                    last.add(e);
                    return false;
                }
            });
        } catch (IllegalStateException e) {
            last.forEach(e::addSuppressed);
            failure.addSuppressed(e);
        }
    }

    private static List<Logger> quiet(String... names) {
        var loggers = Stream.of(names).map(Logger::getLogger).toList();
        loggers.forEach(logger -> logger.setLevel(Level.SEVERE));
        return loggers;
    }

    private static String firstLine(String message) {
        return message == null ? "(no message)" : message.lines().findFirst().orElse("");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Logs in at {@code base}'s login form and waits for the answer, so the next page load cannot
     * overtake it (it would be anonymous).
     */
    public void logIn(String base, String name, String password, Duration timeout) {
        driver().manage().deleteAllCookies();
        driver().get(base + "/login");
        waitFor(org.openqa.selenium.By.id("name"), timeout).sendKeys(name);
        driver().findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
        driver().findElement(org.openqa.selenium.By.cssSelector("form button[type=submit]")).click();
        waitUntil(timeout, "the login to be answered", () -> !driver().getCurrentUrl().contains("/login"));
    }

    /** Logs in with a one-time password and sets {@code own}, as a first login demands. */
    public void firstLogIn(String base, String name, String oneTime, String own, Duration timeout) {
        logIn(base, name, oneTime, timeout);
        waitUntil(timeout, "the password page after a one-time password", () -> driver().getCurrentUrl().endsWith("/password"));
        driver().findElement(org.openqa.selenium.By.id("current")).sendKeys(oneTime);
        driver().findElement(org.openqa.selenium.By.id("next")).sendKeys(own);
        driver().findElement(org.openqa.selenium.By.id("repeat")).sendKeys(own);
        driver().findElement(org.openqa.selenium.By.cssSelector("main form button[type=submit]")).click();
        waitUntil(timeout, "the workspace list after the password change", () -> driver().getCurrentUrl().contains("/workspaces"));
    }
}
