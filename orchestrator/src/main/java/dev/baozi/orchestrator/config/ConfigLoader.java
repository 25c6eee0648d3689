package dev.baozi.orchestrator.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads settings from a properties file and the environment (environment wins) and builds a
 * validated {@link BaoziConfig}. A setting {@code openbao.approle.role-id} is read from the
 * environment as {@code BAOZI_OPENBAO_APPROLE_ROLE_ID}. Every problem is collected, so one
 * start-up attempt reports all of them, each naming its setting.
 */
public final class ConfigLoader {

    private final Properties file;
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Properties file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** Loads from {@code configFile} (may be null: environment and defaults only) and {@code env}. */
    public static BaoziConfig load(Path configFile, Map<String, String> env) {
        Properties props = new Properties();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigException(List.of("config file " + configFile + " does not exist"));
            }
            try (Reader in = Files.newBufferedReader(configFile)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(List.of("config file " + configFile + " cannot be read: " + e.getMessage()));
            }
        }
        return new ConfigLoader(props, env).build();
    }

    public static String envName(String setting) {
        return "BAOZI_" + setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private BaoziConfig build() {
        var http = new BaoziConfig.Http(
                text("http.host", "127.0.0.1"),
                integer("http.port", 8080, 0, 65535));
        var database = new BaoziConfig.Database(
                jdbcUrl("db.url", "jdbc:h2:file:./var/db/baozi"),
                text("db.user", "sa"),
                text("db.password", ""));
        var openbao = new BaoziConfig.OpenBao(
                httpUri("openbao.address", "http://127.0.0.1:8200"),
                text("openbao.approle.mount", "approle"),
                required("openbao.approle.role-id"),
                secretId(),
                text("openbao.kv-mount", "baozi"),
                text("openbao.transit-mount", "baozi-transit"),
                existingFile("openbao.ca-cert"),
                duration("openbao.timeout", Duration.ofSeconds(5)));
        var state = new BaoziConfig.State(
                integer("state.retention", 100, 1, 10_000),
                integer("state.max-body-mib", 64, 1, 4096) * 1024L * 1024L,
                stateEncryption("state.encryption"),
                transitKey("state.transit-key", "baozi-state"));
        var auth = new BaoziConfig.Auth(optionalSecret("auth.admin-token", "auth.admin-token-file"));
        var runs = new BaoziConfig.Runs(
                absolute(text("runs.dir", "./var/runs")),
                integer("runs.max-concurrent", 2, 1, 64),
                duration("runs.plan-timeout", Duration.ofMinutes(30)),
                duration("runs.apply-timeout", Duration.ofMinutes(60)),
                duration("runs.cancel-grace", Duration.ofSeconds(30)),
                bool("runs.self-approval", false),
                sandbox("runs.sandbox"));
        Path tools = toolsDir();
        var tofu = new BaoziConfig.Tofu(
                absolute(text("tofu.binary", tools.resolve("bin/tofu").toString())),
                absolute(text("tofu.providers-mirror", tools.resolve("providers").toString())),
                absolute(text("tofu.templates-dir", "./tf-modules")));
        var ui = new BaoziConfig.Ui(
                duration("ui.session-idle", Duration.ofHours(12)),
                duration("ui.session-lifetime", Duration.ofDays(7)),
                bool("ui.secure-cookies", true),
                raw("ui.first-admin-password-file").map(r -> absolute(r.value())));
        var dns = new BaoziConfig.Dns(
                zones("dns.zones"),
                absolute(text("dns.octodns-sync", tools.resolve("venvs/octodns/bin/octodns-sync").toString())),
                absolute(text("dns.base-config", "./octodns-config/baozi.yaml")),
                httpUri("dns.powerdns-url", "http://127.0.0.1:8081"),
                optionalSecret("dns.powerdns-api-key", "dns.powerdns-api-key-file"),
                integer("dns.default-ttl", 300, 30, 604_800),
                duration("dns.sync-timeout", Duration.ofMinutes(2)));
        if (dns.enabled() && !Files.isRegularFile(dns.baseConfig())) {
            problems.add("dns.base-config: " + dns.baseConfig() + " does not exist (the octoDNS base configuration)");
        }
        var netbox = new BaoziConfig.NetBox(
                raw("netbox.url").isPresent() ? Optional.of(httpUri("netbox.url", "http://127.0.0.1")) : Optional.empty(),
                optionalSecret("netbox.token", "netbox.token-file"),
                duration("netbox.timeout", Duration.ofSeconds(30)));
        if (netbox.enabled() && netbox.token().isEmpty()) {
            problems.add("netbox.token: missing (set netbox.token-file, a file holding NetBox's API token); netbox.url is set");
        }
        var vars = new BaoziConfig.Vars(
                httpUri("vars.machine-openbao-address", openbao.address().toString()),
                duration("vars.delivery-wrap-ttl", Duration.ofMinutes(30)),
                duration("vars.delivery-token-ttl", Duration.ofMinutes(5)));
        var migrations = new BaoziConfig.Migrations(
                duration("migrations.soak", Duration.ofDays(7)),
                duration("migrations.poll", Duration.ofSeconds(5)));
        var backups = new BaoziConfig.Backups(
                duration("backups.retention", Duration.ofDays(30)),
                duration("backups.sweep-interval", Duration.ofHours(1)),
                duration("backups.timeout", Duration.ofHours(2)));
        if (ui.sessionIdle().compareTo(ui.sessionLifetime()) > 0) {
            problems.add("ui.session-idle: must not be longer than ui.session-lifetime (" + ui.sessionIdle() + " > "
                    + ui.sessionLifetime() + ")");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new BaoziConfig(http, database, openbao, state, auth, runs, tofu, ui, dns, netbox, vars, migrations, backups);
    }

    private record Raw(String value, String source) {}

    private Optional<Raw> raw(String setting) {
        String name = envName(setting);
        String fromEnv = env.get(name);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Raw(fromEnv.strip(), "environment " + name));
        }
        String fromFile = file.getProperty(setting);
        if (fromFile != null && !fromFile.isBlank()) {
            return Optional.of(new Raw(fromFile.strip(), "config file"));
        }
        return Optional.empty();
    }

    private String text(String setting, String fallback) {
        return raw(setting).map(Raw::value).orElse(fallback);
    }

    private String required(String setting) {
        return raw(setting).map(Raw::value).orElseGet(() -> {
            problems.add(setting + ": missing (set it in the config file or " + envName(setting) + ")");
            return "";
        });
    }

    private BaoziConfig.Sandbox sandbox(String setting) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return BaoziConfig.Sandbox.AUTO;
        }
        return switch (raw.get().value()) {
            case "auto" -> BaoziConfig.Sandbox.AUTO;
            case "bubblewrap" -> BaoziConfig.Sandbox.BUBBLEWRAP;
            case "none" -> BaoziConfig.Sandbox.NONE;
            default -> {
                problems.add(setting + ": must be auto, bubblewrap or none, got '" + raw.get().value() + "' (from "
                        + raw.get().source() + ")");
                yield BaoziConfig.Sandbox.AUTO;
            }
        };
    }

    private BaoziConfig.StateEncryption stateEncryption(String setting) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return BaoziConfig.StateEncryption.TRANSIT;
        }
        return switch (raw.get().value()) {
            case "transit" -> BaoziConfig.StateEncryption.TRANSIT;
            case "none" -> BaoziConfig.StateEncryption.NONE;
            default -> {
                problems.add(setting + ": must be transit or none, got '" + raw.get().value() + "' (from "
                        + raw.get().source() + ")");
                yield BaoziConfig.StateEncryption.TRANSIT;
            }
        };
    }

    /** A transit key name: letters, digits, '-', '_' and '.', as it becomes part of OpenBao paths. */
    private String transitKey(String setting, String fallback) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get().value();
        if (!v.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}") || v.contains("..")) {
            problems.add(setting + ": must be a transit key name (letters, digits, '-', '_', '.'; at most 128), got '" + v
                    + "' (from " + raw.get().source() + ")");
            return fallback;
        }
        return v;
    }

    private int integer(String setting, int fallback, int min, int max) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.get().value());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(setting + ": must be a whole number from " + min + " to " + max + ", got '"
                    + raw.get().value() + "' (from " + raw.get().source() + ")");
            return fallback;
        }
    }

    /** Paths are made absolute at load: tofu runs in other directories, where a relative path means something else. */
    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** Where make tools put its binaries: BAOZI_TOOLS_DIR, else BAOZI_CACHE_DIR/tools, else ~/.cache/baozi/tools. */
    private Path toolsDir() {
        String tools = env.get("BAOZI_TOOLS_DIR");
        if (tools != null && !tools.isBlank()) {
            return Path.of(tools);
        }
        String cache = env.get("BAOZI_CACHE_DIR");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "baozi");
        return base.resolve("tools");
    }

    private boolean bool(String setting, boolean fallback) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().value().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problems.add(setting + ": must be true or false, got '" + raw.get().value() + "' (from " + raw.get().source() + ")");
                yield fallback;
            }
        };
    }

    private Duration duration(String setting, Duration fallback) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get().value().toLowerCase(Locale.ROOT);
        try {
            Duration d = v.matches("\\d+ms") ? Duration.ofMillis(Long.parseLong(v.replace("ms", "")))
                    : v.matches("\\d+s") ? Duration.ofSeconds(Long.parseLong(v.replace("s", "")))
                    : v.matches("\\d+m") ? Duration.ofMinutes(Long.parseLong(v.replace("m", "")))
                    : v.matches("\\d+h") ? Duration.ofHours(Long.parseLong(v.replace("h", "")))
                    : v.matches("\\d+d") ? Duration.ofDays(Long.parseLong(v.replace("d", "")))
                    : Duration.parse(raw.get().value());
            if (d.isZero() || d.isNegative()) {
                throw new DateTimeParseException("not positive", v, 0);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            problems.add(setting + ": must be a positive duration such as 500ms, 5s, 2m, 12h or 7d, got '"
                    + raw.get().value() + "' (from " + raw.get().source() + ")");
            return fallback;
        }
    }

    private URI httpUri(String setting, String fallback) {
        Optional<Raw> raw = raw(setting);
        String v = raw.map(Raw::value).orElse(fallback);
        try {
            URI uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(v, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add(setting + ": must be an http:// or https:// URL such as http://127.0.0.1:8200, got '" + v
                    + "'" + raw.map(r -> " (from " + r.source() + ")").orElse(""));
            return URI.create(fallback);
        }
    }

    /** A comma-separated list of DNS zone names, each checked as a host name; empty when unset. */
    private List<String> zones(String setting) {
        Optional<Raw> raw = raw(setting);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<String> zones = new ArrayList<>();
        for (String part : raw.get().value().split(",")) {
            String zone = part.strip().toLowerCase(Locale.ROOT);
            zone = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
            if (zone.isEmpty()) {
                continue;
            }
            if (!zone.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?") || zone.length() > 253) {
                problems.add(setting + ": '" + part.strip() + "' is not a DNS zone name such as example.org (from " + raw.get().source() + ")");
            } else if (!zones.contains(zone)) {
                zones.add(zone);
            }
        }
        return List.copyOf(zones);
    }

    private String jdbcUrl(String setting, String fallback) {
        Optional<Raw> raw = raw(setting);
        String v = raw.map(Raw::value).orElse(fallback);
        if (!v.startsWith("jdbc:h2:") && !v.startsWith("jdbc:postgresql:")) {
            problems.add(setting + ": must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql:...) JDBC URL, got '"
                    + v + "'" + raw.map(r -> " (from " + r.source() + ")").orElse(""));
        }
        return v;
    }

    private Optional<Path> existingFile(String setting) {
        return raw(setting).flatMap(raw -> {
            Path p = Path.of(raw.value());
            if (!Files.isReadable(p)) {
                problems.add(setting + ": file " + p + " does not exist or is not readable (from " + raw.source() + ")");
                return Optional.empty();
            }
            return Optional.of(p);
        });
    }

    /** The AppRole secret ID, given directly or (preferred, keeps it out of the environment) in a file. */
    private String secretId() {
        Optional<String> secret = optionalSecret("openbao.approle.secret-id", "openbao.approle.secret-id-file");
        if (secret.isEmpty() && problems.stream().noneMatch(p -> p.startsWith("openbao.approle.secret-id"))) {
            problems.add("openbao.approle.secret-id-file: missing (or set openbao.approle.secret-id; "
                    + "environment " + envName("openbao.approle.secret-id-file") + ")");
        }
        return secret.orElse("");
    }

    /** A secret given directly ({@code setting}) or in a file ({@code fileSetting}); not both. */
    private Optional<String> optionalSecret(String setting, String fileSetting) {
        Optional<Raw> direct = raw(setting);
        Optional<Raw> file = raw(fileSetting);
        if (direct.isPresent() && file.isPresent()) {
            problems.add(setting + " and " + fileSetting + ": set only one of them");
            return Optional.empty();
        }
        if (direct.isPresent()) {
            return Optional.of(direct.get().value());
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(file.get().value());
        try {
            String secret = Files.readString(p).strip();
            if (secret.isEmpty()) {
                problems.add(fileSetting + ": file " + p + " is empty");
                return Optional.empty();
            }
            return Optional.of(secret);
        } catch (IOException e) {
            problems.add(fileSetting + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }
}
