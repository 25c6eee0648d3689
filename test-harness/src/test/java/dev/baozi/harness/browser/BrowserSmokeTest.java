package dev.baozi.harness.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The browser harness against small pages of its own: typing and clicking, screenshots, axe-core, waiting. */
@Tag("browser")
class BrowserSmokeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String FORM_PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Echo form</title></head>
            <body>
            <main>
              <h1>Echo</h1>
              <form method="get" action="/echo">
                <label for="name">Your name</label>
                <input id="name" name="name" type="text" autocomplete="name">
                <button type="submit">Send</button>
              </form>
            </main>
            </body>
            </html>
            """;
    private static final String ECHO_PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Echoed</title></head>
            <body><main><h1>Echoed</h1><p>You sent <output id="echoed">%s</output>.</p></main></body>
            </html>
            """;
    private static final String BAD_PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>No alt text</title></head>
            <body><main><h1>A picture</h1>
            <img id="pixel" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">
            </main></body>
            </html>
            """;

    private static HttpServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/form", exchange -> respond(exchange, FORM_PAGE));
        server.createContext("/echo", exchange -> respond(exchange,
                ECHO_PAGE.formatted(escape(query(exchange.getRequestURI()).getOrDefault("name", "")))));
        server.createContext("/bad", exchange -> respond(exchange, BAD_PAGE));
        server.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void typing_into_a_labelled_field_and_clicking_submit_shows_the_echoed_value() {
        browser.driver().get(url("/form"));

        browser.waitFor(By.id("name"), TIMEOUT).sendKeys("Ada <Lovelace> & co");
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(browser.waitFor(By.id("echoed"), TIMEOUT).getText()).isEqualTo("Ada <Lovelace> & co");
        assertThat(browser.driver().getTitle()).isEqualTo("Echoed");
        assertThat(browser.driver().getCurrentUrl()).startsWith(url("/echo?name="));
    }

    @Test
    void a_screenshot_is_saved_as_a_non_empty_png() throws IOException {
        browser.driver().get(url("/form"));
        browser.waitFor(By.tagName("h1"), TIMEOUT);

        var png = browser.screenshot("browser-smoke-form");

        assertThat(png).isRegularFile().hasFileName("browser-smoke-form.png");
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(Arrays.copyOf(bytes, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }

    @Test
    void axe_finds_nothing_serious_on_the_labelled_form() {
        browser.driver().get(url("/form"));
        browser.waitFor(By.id("name"), TIMEOUT);

        assertThat(browser.axe()).filteredOn(AxeViolation::serious).isEmpty();
    }

    @Test
    void axe_reports_an_image_without_alt_text() {
        browser.driver().get(url("/bad"));
        browser.waitFor(By.tagName("h1"), TIMEOUT);

        assertThat(browser.axe())
                .filteredOn(v -> v.id().equals("image-alt"))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.serious()).isTrue();
                    assertThat(v.targets()).containsExactly("#pixel");
                    assertThat(v.toString()).startsWith("image-alt (critical): ").endsWith(" at #pixel");
                });
    }

    @Test
    void a_wait_that_runs_out_names_what_it_waited_for_and_the_page() {
        browser.driver().get(url("/form"));

        assertThatThrownBy(() -> browser.waitUntil(Duration.ofMillis(300), "the title to change", () ->
                        !browser.driver().getTitle().equals("Echo form")))
                .hasMessage("timed out after 300ms waiting for the title to change (page " + url("/form") + ")");
        assertThatThrownBy(() -> browser.waitFor(By.id("nowhere"), Duration.ofMillis(300)))
                .hasMessageStartingWith("timed out after 300ms waiting for By.id: nowhere to be visible");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Every page with a strict Content-Security-Policy, as the app's would have: axe must work there too. */
    private static void respond(HttpExchange exchange, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(raw.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (first, second) -> first));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
