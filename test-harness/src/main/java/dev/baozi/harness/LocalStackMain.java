package dev.baozi.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.openbao.OpenBaoAdmin;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.auth.Tokens;
import java.io.IOException;
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
 * unsealing it on first start), sets up the orchestrator's mounts, policy and AppRole, then
 * runs the orchestrator until Ctrl-C, which stops both.
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
        Process orchestrator = null;
        try {
            String rootToken = initAndUnseal(new OpenBaoAdmin(bao.address(), null));
            var access = new OrchestratorAccess(new OpenBaoAdmin(bao.address(), rootToken), "baozi", "baozi-transit");
            access.provision(Duration.ofHours(1), Duration.ofHours(24));
            Path config = orchestratorConfig(bao, access);
            say("starting the orchestrator on http://127.0.0.1:8080 (database in " + var.resolve("db") + ")");
            say("log in as admin with the one-time password in " + adminPasswordFile()
                    + "; you must change it at first login");
            orchestrator = startOrchestrator(config);
            Process running = orchestrator;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say("stopping");
                stop(running, Duration.ofSeconds(20));
                bao.close();
            }, "stop-stack"));
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
            bao.close();
            return 1;
        }
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
    private Path orchestratorConfig(OpenBaoServer bao, OrchestratorAccess access) throws IOException {
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
