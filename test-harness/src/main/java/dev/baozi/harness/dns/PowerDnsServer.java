package dev.baozi.harness.dns;

import dev.baozi.harness.Folders;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.ManagedProcess;
import dev.baozi.harness.StopAtExit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PowerDNS authoritative server ({@code pdns_server}, sqlite3 backend) as a child process
 * in a folder of its own: DNS on one free loopback port, its HTTP API (with a generated key) on
 * another. The sqlite database is made from the schema Debian ships. {@link #close()} stops it;
 * a temporary folder is deleted then too.
 */
public final class PowerDnsServer implements AutoCloseable {

    static final Path PDNS_SERVER = Path.of("/usr/sbin/pdns_server");
    static final Path SQLITE_SCHEMA = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final ManagedProcess process;
    private final Path home;
    private final boolean temporary;
    private final int dnsPort;
    private final int apiPort;
    private final String apiKey;
    private final StopAtExit stopAtExit = new StopAtExit("pdns-stop", this::close);

    private PowerDnsServer(ManagedProcess process, Path home, boolean temporary, int dnsPort, int apiPort, String apiKey) {
        this.process = process;
        this.home = home;
        this.temporary = temporary;
        this.dnsPort = dnsPort;
        this.apiPort = apiPort;
        this.apiKey = apiKey;
    }

    /** A server in a new temporary folder, deleted when it stops. */
    public static PowerDnsServer startTemporary() {
        try {
            return start(Files.createTempDirectory("baozi-pdns-"), FreePort.pick(), FreePort.pick(),
                    HexFormat.of().formatHex(new SecureRandom().generateSeed(16)), true);
        } catch (IOException e) {
            throw new UncheckedIOException("starting PowerDNS: creating a temporary folder", e);
        }
    }

    /** A server keeping its database in {@code home} (created if new), for {@code make run}. */
    public static PowerDnsServer startIn(Path home, int dnsPort, int apiPort, String apiKey) {
        return start(home, dnsPort, apiPort, apiKey, false);
    }

    private static PowerDnsServer start(Path home, int dnsPort, int apiPort, String apiKey, boolean temporary) {
        if (!Files.isExecutable(PDNS_SERVER) || !Files.isRegularFile(SQLITE_SCHEMA)) {
            throw new IllegalStateException("starting PowerDNS: " + PDNS_SERVER + " or " + SQLITE_SCHEMA
                    + " is missing: run `make tools` (Debian packages pdns-server, pdns-backend-sqlite3, sqlite3)");
        }
        Path conf = home.resolve("conf");
        Path run = home.resolve("run");
        Path db = home.resolve("pdns.sqlite3");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(run);
            if (!Files.exists(db)) {
                createDatabase(db, home);
            }
            // Our own file, written whole at each start: nothing of it comes from outside.
            Files.writeString(conf.resolve("pdns.conf"), String.join("\n", List.of(
                    "launch=gsqlite3",
                    "gsqlite3-database=" + db,
                    "local-address=127.0.0.1",
                    "local-port=" + dnsPort,
                    "socket-dir=" + run,
                    "daemon=no",
                    "guardian=no",
                    "disable-syslog=yes",
                    "loglevel=4",
                    "api=yes",
                    "api-key=" + apiKey,
                    "webserver=yes",
                    "webserver-address=127.0.0.1",
                    "webserver-port=" + apiPort,
                    "webserver-allow-from=127.0.0.1",
                    "security-poll-suffix=",
                    "default-soa-content=ns1.baozi.invalid. hostmaster.@ 0 10800 3600 604800 3600")) + "\n");
            Files.setPosixFilePermissions(conf.resolve("pdns.conf"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("starting PowerDNS: preparing " + home, e);
        }
        ManagedProcess process = ManagedProcess.command("PowerDNS", List.of(PDNS_SERVER.toString(), "--config-dir=" + conf))
                .in(home).logTo(home.resolve("pdns.log")).secret(apiKey).start();
        var server = new PowerDnsServer(process, home, temporary, dnsPort, apiPort, apiKey);
        try {
            process.awaitReady("PowerDNS's API on 127.0.0.1:" + apiPort, START_TIMEOUT, server::answers);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        server.stopAtExit.arm();
        return server;
    }

    private static void createDatabase(Path db, Path home) throws IOException {
        ManagedProcess.command("starting PowerDNS: creating its database", List.of("sqlite3", db.toString()))
                .in(home).logTo(home.resolve("sqlite3.log")).input(Files.readString(SQLITE_SCHEMA)).run(Duration.ofSeconds(30));
    }

    public int dnsPort() {
        return dnsPort;
    }

    /** The HTTP API's base, as octoDNS's provider wants it (scheme, host, port). */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + apiPort);
    }

    public String apiKey() {
        return apiKey;
    }

    /** Calls {@code /api/v1/servers/localhost<path>} with the API key. */
    public HttpResponse<String> api(String method, String path, String json) {
        try {
            var request = HttpRequest.newBuilder(URI.create(apiUrl() + "/api/v1/servers/localhost" + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("X-API-Key", apiKey)
                    .header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("calling PowerDNS's API: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling PowerDNS's API", e);
        }
    }

    /** Whether the API answers at all (a probe that never throws). */
    private boolean answers() {
        try {
            return api("GET", "", null).statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Answers of {@code dig @127.0.0.1 -p <port> <name> <type> +short}, one per line (empty when
     * there is no such record).
     */
    public List<String> dig(String name, String type) {
        try {
            Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort), name, type, "+short",
                    "+time=2", "+tries=2").redirectErrorStream(true).start();
            String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!dig.waitFor(20, TimeUnit.SECONDS) || dig.exitValue() != 0) {
                throw new IllegalStateException("dig " + name + " " + type + " failed: " + out);
            }
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("running dig (Debian package dnsutils)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running dig", e);
        }
    }

    @Override
    public synchronized void close() {
        if (!stopAtExit.disarm()) {
            return;
        }
        process.close();
        if (temporary) {
            Folders.delete(home);
        }
    }
}
