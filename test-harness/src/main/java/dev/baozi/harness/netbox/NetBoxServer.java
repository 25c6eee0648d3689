package dev.baozi.harness.netbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.Folders;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.ManagedProcess;
import dev.baozi.harness.StopAtExit;
import dev.baozi.harness.Tools;
import dev.baozi.harness.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A real NetBox, installed by {@code make tools} from PyPI into its own virtualenv, on a
 * PostgreSQL cluster and a Redis of its own, served by gunicorn on a free loopback port.
 *
 * <p>NetBox's 336 migrations take minutes on two cores, so the first start migrates an empty
 * database and keeps a {@code pg_dump} of it in the tools cache (named by the hash of the venv's
 * package list); later starts restore that in about a second. Each start gives the {@code admin}
 * user a fresh password and a fresh v2 and v1 API token. The configuration is a JSON file the
 * harness writes as data, read by a fixed {@code configuration.py}.
 */
public final class NetBoxServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration MIGRATE_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static NetBoxServer shared;

    private final Path home;
    private final boolean temporary;
    private final PostgresServer postgres;
    private final RedisServer redis;
    private final ManagedProcess gunicorn;
    private final int port;
    private final String v2Token;
    private final String v1Token;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StopAtExit stopAtExit = new StopAtExit("netbox-stop", this::close);

    private NetBoxServer(Path home, boolean temporary, PostgresServer postgres, RedisServer redis, ManagedProcess gunicorn, int port,
            String v2Token, String v1Token, String adminPassword) {
        this.home = home;
        this.temporary = temporary;
        this.postgres = postgres;
        this.redis = redis;
        this.gunicorn = gunicorn;
        this.port = port;
        this.v2Token = v2Token;
        this.v1Token = v1Token;
        this.adminPassword = adminPassword;
    }

    /** One NetBox for all tests of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized NetBoxServer shared() {
        if (shared == null || shared.stopAtExit.closed()) {
            shared = startTemporary();
        }
        return shared;
    }

    /** A NetBox whose database and files live in a new temporary folder, all deleted when it stops. */
    public static NetBoxServer startTemporary() {
        try {
            return start(Files.createTempDirectory("baozi-netbox-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("starting NetBox: creating a temporary folder", e);
        }
    }

    /** A NetBox keeping its database in {@code home} across starts, served on {@code port} (for {@code make run}). */
    public static NetBoxServer startKept(Path home, int port) {
        return start(home, false, port);
    }

    private static NetBoxServer start(Path home, boolean temporary) {
        return start(home, temporary, FreePort.pick());
    }

    private static NetBoxServer start(Path home, boolean temporary, int port) {
        Path venv = Tools.netboxVenv();
        PostgresServer postgres = null;
        RedisServer redis = null;
        try {
            postgres = temporary ? PostgresServer.start() : PostgresServer.startKept(home.resolve("postgres"));
            redis = RedisServer.start(home.resolve("redis"));
            Path root = prepareRoot(home, postgres, redis);
            Map<String, String> env = environment(home, root);
            prepareDatabase(home, venv, postgres, env, temporary);
            String adminPassword = random(24);
            String v2Key = random(12);
            String v2Secret = random(40);
            String v1 = random(40);
            var credentials = new HashMap<>(env);
            credentials.put("BAOZI_NETBOX_ADMIN_PASSWORD", adminPassword);
            credentials.put("BAOZI_NETBOX_V2_KEY", v2Key);
            credentials.put("BAOZI_NETBOX_V2_SECRET", v2Secret);
            credentials.put("BAOZI_NETBOX_V1", v1);
            command(home, "setting NetBox's admin password and API tokens", List.of(venv.resolve("bin/netbox").toString(),
                    "nbshell", "--command", resource("set-credentials.py")), credentials, COMMAND_TIMEOUT);
            ManagedProcess gunicorn = ManagedProcess.command("NetBox's gunicorn", List.of(venv.resolve("bin/gunicorn").toString(),
                            "--bind", "127.0.0.1:" + port, "--workers", "2", "--threads", "4", "--timeout", "120", "--preload",
                            "--no-control-socket", "netbox.wsgi"))
                    .in(home).logTo(home.resolve("gunicorn.log")).env(env).stopGrace(Duration.ofSeconds(5)).start();
            var server = new NetBoxServer(home, temporary, postgres, redis, gunicorn, port, "nbt_" + v2Key + "." + v2Secret, v1,
                    adminPassword);
            return server.awaitReady();
        } catch (IOException e) {
            stopQuietly(redis, postgres);
            throw new UncheckedIOException("starting NetBox: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stopQuietly(redis, postgres);
            throw e;
        }
    }

    private NetBoxServer awaitReady() {
        stopAtExit.arm();
        try {
            gunicorn.awaitReady("NetBox to answer /api/status/ on 127.0.0.1:" + port, START_TIMEOUT, () -> {
                try {
                    return api("GET", "/api/status/", null).statusCode() == 200;
                } catch (UncheckedIOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private static Path prepareRoot(Path home, PostgresServer postgres, RedisServer redis) throws IOException {
        Path root = home.resolve("root");
        Files.createDirectories(root.resolve("conf"));
        Files.writeString(root.resolve("conf/configuration.py"), resource("configuration.py"), StandardCharsets.UTF_8);
        ObjectNode settings = JSON.createObjectNode();
        settings.putArray("ALLOWED_HOSTS").add("127.0.0.1").add("localhost");
        ObjectNode db = settings.putObject("DATABASES").putObject("default");
        db.put("ENGINE", "django.db.backends.postgresql").put("NAME", "baozi").put("USER", postgres.user())
                .put("PASSWORD", postgres.password()).put("HOST", "127.0.0.1").put("PORT", Integer.toString(postgres.port()))
                .put("CONN_MAX_AGE", 300);
        ObjectNode redisSettings = settings.putObject("REDIS");
        for (String[] use : new String[][] {{"tasks", "0"}, {"caching", "1"}}) {
            redisSettings.putObject(use[0]).put("HOST", "127.0.0.1").put("PORT", redis.port())
                    .put("DATABASE", Integer.parseInt(use[1])).put("SSL", false);
        }
        settings.put("SECRET_KEY", random(60));
        settings.putObject("API_TOKEN_PEPPERS").put("1", random(60));
        Path file = home.resolve("settings.json");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(settings));
        return root;
    }

    private static Map<String, String> environment(Path home, Path root) {
        Map<String, String> env = new HashMap<>();
        env.put("NETBOX_ROOT", root.toString());
        env.put("BAOZI_NETBOX_SETTINGS", home.resolve("settings.json").toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return env;
    }

    /**
     * Brings the database to this NetBox's schema: restored from the cached snapshot when there is
     * one, else migrated (minutes) and snapshotted for next time. A kept database is migrated only
     * when the NetBox it was made for differs.
     */
    private static void prepareDatabase(Path home, Path venv, PostgresServer postgres, Map<String, String> env, boolean temporary)
            throws IOException {
        String packages = sha256(Files.readString(venv.resolve("baozi-freeze.txt")));
        Path marker = home.resolve("netbox-packages");
        if (!temporary && Files.isRegularFile(marker) && Files.readString(marker).strip().equals(packages)) {
            return;
        }
        Path snapshot = Tools.dir().resolve("netbox-db").resolve(packages.substring(0, 16) + ".dump");
        boolean fresh = temporary || !Files.isRegularFile(marker);
        if (fresh && Files.isRegularFile(snapshot)) {
            command(home, "restoring NetBox's migrated database from " + snapshot, List.of(
                    postgres.programs().resolve("pg_restore").toString(), "--no-owner", "--role=" + postgres.user(),
                    "--host=127.0.0.1", "--port=" + postgres.port(), "--username=" + postgres.user(), "--dbname=baozi",
                    "--exit-on-error", snapshot.toString()), pgEnv(postgres), COMMAND_TIMEOUT);
        } else {
            System.out.println("NetBox: migrating its database (336 migrations, about 5 minutes on 2 cores; later starts"
                    + " restore a snapshot of it)");
            command(home, "migrating NetBox's database", List.of(venv.resolve("bin/netbox").toString(), "migrate", "--no-input"),
                    env, MIGRATE_TIMEOUT);
            var superuser = new HashMap<>(env);
            superuser.put("DJANGO_SUPERUSER_USERNAME", "admin");
            superuser.put("DJANGO_SUPERUSER_EMAIL", "admin@baozi.invalid");
            superuser.put("DJANGO_SUPERUSER_PASSWORD", random(24));
            command(home, "creating NetBox's admin user", List.of(venv.resolve("bin/netbox").toString(), "createsuperuser",
                    "--noinput"), superuser, COMMAND_TIMEOUT);
            if (fresh) {
                Files.createDirectories(snapshot.getParent());
                Path partial = snapshot.resolveSibling(snapshot.getFileName() + ".partial");
                command(home, "saving a snapshot of NetBox's migrated database", List.of(
                        postgres.programs().resolve("pg_dump").toString(), "--format=custom", "--no-owner",
                        "--host=127.0.0.1", "--port=" + postgres.port(), "--username=" + postgres.user(),
                        "--file=" + partial, "baozi"), pgEnv(postgres), COMMAND_TIMEOUT);
                Files.move(partial, snapshot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (!temporary) {
            Files.writeString(marker, packages + "\n");
        }
    }

    private static Map<String, String> pgEnv(PostgresServer postgres) {
        return Map.of("PGPASSWORD", postgres.password(), "PGCONNECT_TIMEOUT", "10");
    }

    /** Runs a command in {@code home} with {@code env} added; its output goes to a log there, quoted when it fails. */
    private static void command(Path home, String doing, List<String> command, Map<String, String> env, Duration timeout) {
        ManagedProcess.command(doing, command).in(home).logTo(home.resolve("commands.log")).env(env).run(timeout);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A v2 API token ({@code nbt_<key>.<secret>}), sent as {@code Authorization: Bearer}. */
    public String token() {
        return v2Token;
    }

    /** A v1 API token (40 characters), sent as {@code Authorization: Token}. */
    public String v1Token() {
        return v1Token;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** Calls NetBox's REST API with the v2 token; {@code path} starts with {@code /api/}. */
    public HttpResponse<String> api(String method, String path, Object body) {
        try {
            var request = HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + v2Token)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("calling NetBox: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling NetBox", e);
        }
    }

    /** Like {@link #api} but expects a 2xx answer and returns its JSON. */
    public JsonNode call(String method, String path, Object body) {
        HttpResponse<String> r = api(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("NetBox answered " + method + " " + path + " with " + r.statusCode() + ": " + r.body());
        }
        try {
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("NetBox's answer to " + method + " " + path + " is not JSON", e);
        }
    }

    /** Creates a prefix (status active) and returns its id. */
    public long createPrefix(String cidr) {
        return call("POST", "/api/ipam/prefixes/", Map.of("prefix", cidr, "status", "active")).path("id").asLong();
    }

    /** Every IP address NetBox holds inside {@code parent} (a CIDR), following pagination. */
    public List<JsonNode> addressesIn(String parent) {
        List<JsonNode> all = new ArrayList<>();
        String next = "/api/ipam/ip-addresses/?limit=200&parent=" + parent;
        while (next != null) {
            JsonNode page = call("GET", next, null);
            page.path("results").forEach(all::add);
            next = page.path("next").isTextual() ? URI.create(page.path("next").asText()).getRawPath() + "?"
                    + URI.create(page.path("next").asText()).getRawQuery() : null;
        }
        return all;
    }

    private static String resource(String name) {
        try (InputStream in = NetBoxServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the harness resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the harness resource " + name, e);
        }
    }

    private static String random(int length) {
        var rnd = new SecureRandom();
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHANUMERIC.charAt(rnd.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stopQuietly(RedisServer redis, PostgresServer postgres) {
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    public synchronized void close() {
        if (!stopAtExit.disarm()) {
            return;
        }
        // gunicorn's master lingers a few seconds after TERM; its workers go with it or are killed.
        gunicorn.close();
        stopQuietly(redis, postgres);
        if (temporary) {
            Folders.delete(home);
        }
    }
}
