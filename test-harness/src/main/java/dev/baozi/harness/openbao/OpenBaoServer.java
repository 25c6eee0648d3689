package dev.baozi.harness.openbao;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.ManagedProcess;
import dev.baozi.harness.Tools;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.OpenBaoUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A real {@code bao server} process on a loopback port: either a dev server (in memory,
 * unsealed, with a known root token) for tests, or a file-backed server for {@code make run}.
 */
public final class OpenBaoServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ManagedProcess process;
    private final URI address;
    private final Optional<String> devRootToken;
    private final Optional<Path> caCert;

    private OpenBaoServer(ManagedProcess process, URI address, Optional<String> devRootToken, Optional<Path> caCert) {
        this.process = process;
        this.address = address;
        this.devRootToken = devRootToken;
        this.caCert = caCert;
    }

    /** A dev server: in-memory storage, already initialised and unsealed, root token known. */
    public static OpenBaoServer startDev(Path workDir) {
        int port = FreePort.pick();
        String rootToken = "root-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        List<String> command = List.of(Tools.bao().toString(), "server", "-dev",
                "-dev-listen-address=127.0.0.1:" + port,
                "-dev-root-token-id=" + rootToken,
                "-dev-no-store-token",
                "-log-level=warn");
        return launch(command, workDir, port, Optional.of(rootToken), Optional.empty());
    }

    /**
     * A dev server over HTTPS ({@code -dev-tls}) with a certificate for 127.0.0.1 from a CA it
     * generates, at {@link #caCert()}. {@link #rootAdmin()} does not trust that CA; use
     * {@code dev.baozi.openbao.OpenBaoClient} with it.
     */
    public static OpenBaoServer startDevTls(Path workDir) {
        int port = FreePort.pick();
        String rootToken = "root-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Path certs = workDir.toAbsolutePath().resolve("openbao-tls-" + port);
        try {
            Files.createDirectories(certs);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + certs + " for the dev server's TLS files", e);
        }
        List<String> command = List.of(Tools.bao().toString(), "server", "-dev", "-dev-tls",
                "-dev-tls-cert-dir=" + certs,
                "-dev-listen-address=127.0.0.1:" + port,
                "-dev-root-token-id=" + rootToken,
                "-dev-no-store-token",
                "-log-level=warn");
        return launch(command, workDir, port, Optional.of(rootToken), Optional.of(certs.resolve("vault-ca.pem")));
    }

    /** A server with file storage under {@code dataDir}, listening on {@code port}; may need init and unseal. */
    public static OpenBaoServer startFileBacked(Path dataDir, int port, Path workDir) {
        var mapper = new ObjectMapper();
        ObjectNode config = mapper.createObjectNode();
        config.putObject("storage").putObject("file").put("path", dataDir.toAbsolutePath().toString());
        config.putArray("listener").addObject().putObject("tcp")
                .put("address", "127.0.0.1:" + port)
                .put("tls_disable", true);
        config.put("api_addr", "http://127.0.0.1:" + port);
        config.put("ui", false);
        Path configFile = workDir.toAbsolutePath().resolve("openbao-" + port + ".json");
        try {
            Files.createDirectories(dataDir);
            mapper.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the OpenBao server config " + configFile, e);
        }
        List<String> command = List.of(Tools.bao().toString(), "server", "-config=" + configFile, "-log-level=warn");
        return launch(command, workDir, port, Optional.empty(), Optional.empty());
    }

    private static OpenBaoServer launch(List<String> command, Path workDir, int port, Optional<String> rootToken,
            Optional<Path> caCert) {
        Path log = workDir.toAbsolutePath().resolve("openbao-" + port + ".log");
        var spec = ManagedProcess.command("OpenBao", command).in(workDir).logTo(log).withoutEnv("BAO_", "VAULT_");
        if (rootToken.isPresent()) {
            spec = spec.secret(rootToken.get());
        }
        ManagedProcess process = spec.start();
        var address = URI.create((caCert.isPresent() ? "https" : "http") + "://127.0.0.1:" + port);
        var admin = new OpenBaoAdmin(address, null);
        process.awaitReady("OpenBao to answer on " + address, START_TIMEOUT,
                () -> caCert.isEmpty() ? admin.answers() : answersOverTls(address, caCert.get()));
        return new OpenBaoServer(process, address, rootToken, caCert);
    }

    private static boolean answersOverTls(URI address, Path caCert) {
        if (!Files.exists(caCert)) {
            return false;
        }
        try {
            new OpenBaoClient(new OpenBaoConnection(address, Optional.of(caCert), Duration.ofSeconds(2)), () -> null)
                    .send("GET", "sys/health", null);
            return true;
        } catch (OpenBaoUnavailableException | IllegalArgumentException e) {
            return false; // not listening yet, or the CA file is still being written
        }
    }

    public URI address() {
        return address;
    }

    /** The CA certificate (PEM) of a {@link #startDevTls} server. */
    public Path caCert() {
        return caCert.orElseThrow(() -> new IllegalStateException("not a TLS dev server: no generated CA"));
    }

    /** The root token of a dev server. */
    public String devRootToken() {
        return devRootToken.orElseThrow(() -> new IllegalStateException("not a dev server: no known root token"));
    }

    /** An admin client with the dev server's root token. */
    public OpenBaoAdmin rootAdmin() {
        return new OpenBaoAdmin(address, devRootToken());
    }

    public Path log() {
        return process.log();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10s). */
    @Override
    public void close() {
        process.close();
    }
}
