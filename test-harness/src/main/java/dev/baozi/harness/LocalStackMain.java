package dev.baozi.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.dns.PowerDnsServer;
import dev.baozi.harness.netbox.NetBoxServer;
import dev.baozi.harness.openbao.OpenBaoAdmin;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.harness.proxmox.ProxmoxSimulator;
import dev.baozi.orchestrator.auth.Tokens;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code make run}: starts OpenBao with file storage under {@code var/} (initialising and
 * unsealing it on first start) and sets up the orchestrator's mounts, policy and AppRole; starts
 * PowerDNS, NetBox (with a demo prefix per provider) and two Proxmox simulators sharing one backup
 * storage, all keeping their data in {@code var/}; then runs the orchestrator (zone example.test
 * managed, the simulators registered as providers {@code sim-a} and {@code sim-b}) until Ctrl-C,
 * which stops everything.
 */
public final class LocalStackMain {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path var;
    private final Path orchestratorJar;
    private final int openbaoPort;

    private LocalStackMain(Path var, Path orchestratorJar, int openbaoPort) {
        this.var = var.toAbsolutePath();
        this.orchestratorJar = orchestratorJar.toAbsolutePath();
        this.openbaoPort = openbaoPort;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalStackMain VAR_DIR ORCHESTRATOR_JAR");
            System.exit(64);
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("BAOZI_OPENBAO_PORT", "8200"));
        System.exit(new LocalStackMain(Path.of(args[0]), Path.of(args[1]), port).run());
    }

    private static void say(String message) {
        System.out.println("[run] " + message);
    }

    private int run() throws IOException, InterruptedException {
        Files.createDirectories(var.resolve("log"));
        say("starting OpenBao on 127.0.0.1:" + openbaoPort + " (data in " + var.resolve("openbao/data") + ")");
        OpenBaoServer bao = OpenBaoServer.startFileBacked(var.resolve("openbao/data"), openbaoPort, var.resolve("log"));
        List<AutoCloseable> started = new ArrayList<>();
        Process orchestrator = null;
        try {
            String rootToken = initAndUnseal(new OpenBaoAdmin(bao.address(), null));
            var access = new OrchestratorAccess(new OpenBaoAdmin(bao.address(), rootToken), "baozi", "baozi-transit");
            access.provision(Duration.ofHours(1), Duration.ofHours(24));

            int dnsPort = port("BAOZI_PDNS_PORT", 8053);
            int dnsApiPort = port("BAOZI_PDNS_API_PORT", 8081);
            say("starting PowerDNS: DNS on 127.0.0.1:" + dnsPort + ", its API on 127.0.0.1:" + dnsApiPort
                    + " (data in " + var.resolve("powerdns") + ")");
            Path pdnsKey = secretFile(var.resolve("powerdns/api-key"));
            PowerDnsServer pdns = PowerDnsServer.startIn(var.resolve("powerdns"), dnsPort, dnsApiPort, Files.readString(pdnsKey).strip());
            started.add(pdns);

            int netboxPort = port("BAOZI_NETBOX_PORT", 8001);
            say("starting NetBox on http://127.0.0.1:" + netboxPort + " (data in " + var.resolve("netbox")
                    + "; its first start migrates its database: about 5 minutes, unless make test left a snapshot)");
            NetBoxServer netbox = NetBoxServer.startKept(var.resolve("netbox"), netboxPort);
            started.add(netbox);
            writePrivate(var.resolve("netbox/token"), netbox.token());
            writePrivate(var.resolve("netbox/admin-password"), netbox.adminPassword());
            for (SimulatedProvider p : PROVIDERS) {
                if (netbox.call("GET", "/api/ipam/prefixes/?prefix=" + p.prefix(), null).path("count").asInt() == 0) {
                    netbox.call("POST", "/api/ipam/prefixes/", java.util.Map.of("prefix", p.prefix(), "status", "active",
                            "description", "demo pool of provider " + p.name() + ", made by make run"));
                    say("made the demo prefix " + p.prefix() + " (provider " + p.name() + ") in NetBox");
                }
            }
            say("NetBox's admin password is in " + var.resolve("netbox/admin-password") + " (new at every start)");

            Path sharedBackups = Files.createDirectories(var.resolve(SHARED_BACKUP_DIR));
            List<ProxmoxSimulator> sims = new ArrayList<>();
            for (SimulatedProvider p : PROVIDERS) {
                int proxmoxPort = port(p.portVariable(), p.defaultPort());
                // PVE's token secrets are UUIDs, and bpg refuses any other form
                Path simSecret = var.resolve(p.dir()).resolve("token-secret");
                if (!Files.exists(simSecret)) {
                    writePrivate(simSecret, java.util.UUID.randomUUID().toString());
                }
                say("starting the Proxmox VE simulator " + p.name() + " on https://127.0.0.1:" + proxmoxPort + " (state in "
                        + var.resolve(p.dir()) + ")");
                ProxmoxSimulator sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withPort(proxmoxPort)
                        .withToken(ProxmoxSimulator.Options.defaults().tokenId(), Files.readString(simSecret).strip())
                        .withStateFile(var.resolve(p.dir()).resolve("state.json"))
                        .withSharedBackupDir(sharedBackups));
                started.add(sim);
                sims.add(sim);
            }

            Path config = orchestratorConfig(bao, access, pdns, pdnsKey, netbox);
            say("starting the orchestrator on http://127.0.0.1:" + System.getenv().getOrDefault("BAOZI_HTTP_PORT", "8080")
                    + " (database in " + var.resolve("db") + ")");
            say("log in as admin with the one-time password in " + adminPasswordFile()
                    + "; you must change it at first login");
            orchestrator = startOrchestrator(config);
            Process running = orchestrator;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say("stopping");
                stop(running, Duration.ofSeconds(20));
                stopAll(started);
                bao.close();
            }, "stop-stack"));
            for (int i = 0; i < PROVIDERS.size(); i++) {
                SimulatedProvider p = PROVIDERS.get(i);
                registerSimulator(p, sims.get(i), var.resolve(p.dir()).resolve("token-secret"));
            }
            for (int i = 0; i < PROVIDERS.size(); i++) {
                SimulatedProvider p = PROVIDERS.get(i);
                say("provider " + p.name() + ": Proxmox simulator at " + sims.get(i).baseUrl() + ", NetBox pool " + p.prefix()
                        + ", backups to storage " + SHARED_BACKUP_STORAGE);
            }
            say("both providers see storage " + SHARED_BACKUP_STORAGE + " (" + sharedBackups
                    + "): a backup made on one restores on the other");
            int exit = orchestrator.waitFor();
            if (exit != 0) {
                say("the orchestrator exited with status " + exit);
            }
            return exit;
        } catch (RuntimeException e) {
            System.err.println("make run: " + e.getMessage() + " (OpenBao log: " + bao.log() + ")");
            if (orchestrator != null) {
                stop(orchestrator, Duration.ofSeconds(20));
            }
            stopAll(started);
            bao.close();
            return 1;
        }
    }

    static final String DEMO_PREFIX = "192.0.2.0/24";

    /**
     * A simulated provider of make run: its name, the variable moving its port and the default, its
     * folder under {@code var/} and its NetBox demo prefix.
     */
    record SimulatedProvider(String name, String portVariable, int defaultPort, String dir, String prefix) {}

    /** sim-a keeps the folder (and certificate) the single simulator had, so a provider pinned to it stays valid. */
    static final List<SimulatedProvider> PROVIDERS = List.of(
            new SimulatedProvider("sim-a", "BAOZI_PROXMOX_PORT", 8006, "proxmox", DEMO_PREFIX),
            new SimulatedProvider("sim-b", "BAOZI_PROXMOX_B_PORT", 8007, "proxmox-b", "198.51.100.0/24"));
    /** The folder both simulators keep the shared backup storage's archives in, as two clusters mounting one NFS export. */
    static final String SHARED_BACKUP_DIR = "proxmox-shared-backup";
    static final String SHARED_BACKUP_STORAGE = "shared-backup";
    static final String DEMO_ZONE = "example.test";

    private static int port(String variable, int fallback) {
        return Integer.parseInt(System.getenv().getOrDefault(variable, Integer.toString(fallback)));
    }

    private static void stopAll(List<AutoCloseable> started) {
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("make run: stopping " + c.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /** A 0600 file holding a random secret, made on first use and kept. */
    private static Path secretFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            writePrivate(file, Tokens.generate("bz_").substring(3));
        }
        return file;
    }

    /**
     * Once the orchestrator answers: the simulator as provider {@code p}, pinned to its certificate
     * (which it keeps across restarts), its backups to the shared storage, unless it is there already.
     */
    private void registerSimulator(SimulatedProvider p, ProxmoxSimulator sim, Path secretFile) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        String admin = Files.readString(var.resolve("orchestrator/admin-token")).strip();
        URI base = URI.create("http://127.0.0.1:" + System.getenv().getOrDefault("BAOZI_HTTP_PORT", "8080"));
        try {
            Deadline.await("the orchestrator to answer", Duration.ofSeconds(60), () -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (IllegalStateException e) {
            say("the orchestrator did not become ready; provider " + p.name() + " was not registered");
            return;
        }
        var list = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/v1/providers"))
                .header("Authorization", "Bearer " + admin).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (list.body().contains("\"name\":\"" + p.name() + "\"")) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("name", p.name()).put("endpoint", sim.baseUrl().toString())
                .put("token_id", sim.tokenId()).put("token_secret", Files.readString(secretFile).strip()).put("default_node", "pve1")
                .put("template_vmid", 9000).put("backup_storage", SHARED_BACKUP_STORAGE);
        body.putObject("tls").put("fingerprint", sim.tls().fingerprint());
        var created = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/v1/providers"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        say(created.statusCode() == 201 ? "registered the Proxmox simulator " + p.name() + " as provider " + p.name()
                : "registering the Proxmox simulator as provider " + p.name() + " failed: HTTP " + created.statusCode() + " "
                        + created.body());
    }

    /** Initialises OpenBao on first start (keys to a 0600 file) and unseals it; returns the root token. */
    private String initAndUnseal(OpenBaoAdmin admin) throws IOException {
        Path initFile = var.resolve("openbao/init.json");
        OpenBaoAdmin.Health health = admin.health();
        if (!health.initialized()) {
            OpenBaoAdmin.InitResult init = admin.init();
            ObjectNode keys = JSON.createObjectNode()
                    .put("unseal_key", init.unsealKey())
                    .put("root_token", init.rootToken())
                    .put("warning", "local use only: whoever reads this file owns this OpenBao");
            writePrivate(initFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(keys));
            say("initialised OpenBao; its unseal key and root token are in " + initFile);
            say("WARNING: that file is for local use only. Anyone who can read it controls this OpenBao.");
        }
        if (!Files.isReadable(initFile)) {
            throw new IllegalStateException("OpenBao in " + var.resolve("openbao/data") + " is initialised but "
                    + initFile + " (unseal key, root token) is missing; remove " + var.resolve("openbao")
                    + " to start over");
        }
        var saved = JSON.readTree(initFile.toFile());
        if (admin.health().sealed()) {
            admin.unseal(saved.path("unseal_key").asText());
            say("unsealed OpenBao");
        }
        return saved.path("root_token").asText();
    }

    /** The orchestrator's config file; its AppRole secret ID goes to a 0600 file of its own. */
    private Path orchestratorConfig(OpenBaoServer bao, OrchestratorAccess access, PowerDnsServer pdns, Path pdnsKey,
            NetBoxServer netbox) throws IOException {
        Path dir = var.resolve("orchestrator");
        Path secretFile = dir.resolve("approle-secret-id");
        if (!Files.exists(secretFile)) {
            writePrivate(secretFile, access.newSecretId());
        }
        Path adminTokenFile = dir.resolve("admin-token");
        if (!Files.exists(adminTokenFile)) {
            writePrivate(adminTokenFile, Tokens.generate("bza_"));
            say("created the admin token in " + adminTokenFile + " (0600); bin/baozi reads it from there");
        }
        var props = new Properties();
        props.setProperty("http.host", "127.0.0.1");
        props.setProperty("http.port", System.getenv().getOrDefault("BAOZI_HTTP_PORT", "8080"));
        props.setProperty("db.url", "jdbc:h2:file:" + var.resolve("db/baozi"));
        props.setProperty("openbao.address", bao.address().toString());
        props.setProperty("openbao.approle.role-id", access.roleId());
        props.setProperty("openbao.approle.secret-id-file", secretFile.toString());
        props.setProperty("auth.admin-token-file", adminTokenFile.toString());
        // ui.first-admin-password-file (BAOZI_UI_FIRST_ADMIN_PASSWORD_FILE) goes in the config file
        // like every make run setting (BAOZI_* is cleared from the orchestrator's environment):
        // while no user has a password, the orchestrator writes the first admin's one-time password there.
        props.setProperty("ui.first-admin-password-file", adminPasswordFile().toString());
        props.setProperty("netbox.url", netbox.url().toString());
        props.setProperty("netbox.token-file", var.resolve("netbox/token").toString());
        props.setProperty("dns.zones", DEMO_ZONE);
        props.setProperty("dns.powerdns-url", pdns.apiUrl().toString());
        props.setProperty("dns.powerdns-api-key-file", pdnsKey.toString());
        props.setProperty("dns.base-config", Path.of("octodns-config/baozi.yaml").toAbsolutePath().toString());
        Path config = dir.resolve("baozi.properties");
        Files.createDirectories(dir);
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "written by make run at every start");
        }
        return config;
    }

    /** Where the orchestrator writes the first admin's one-time password (0600), on its first start. */
    private Path adminPasswordFile() {
        return var.resolve("orchestrator/admin-password");
    }

    private Process startOrchestrator(Path config) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", orchestratorJar.toString(), "--config", config.toString()));
        var builder = new ProcessBuilder(command).inheritIO();
        // The config file written above is the one source of settings for make run.
        builder.environment().keySet().removeIf(k -> k.startsWith("BAOZI_"));
        return builder.start();
    }

    private static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
