package dev.baozi.harness.openbao;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.ManagedProcess;
import dev.baozi.harness.Tools;
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

    private OpenBaoServer(ManagedProcess process, URI address, Optional<String> devRootToken) {
        this.process = process;
        this.address = address;
        this.devRootToken = devRootToken;
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
        return launch(command, workDir, port, Optional.of(rootToken));
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
        return launch(command, workDir, port, Optional.empty());
    }

    private static OpenBaoServer launch(List<String> command, Path workDir, int port, Optional<String> rootToken) {
        Path log = workDir.toAbsolutePath().resolve("openbao-" + port + ".log");
        var spec = ManagedProcess.command("OpenBao", command).in(workDir).logTo(log).withoutEnv("BAO_", "VAULT_");
        if (rootToken.isPresent()) {
            spec = spec.secret(rootToken.get());
        }
        ManagedProcess process = spec.start();
        var address = URI.create("http://127.0.0.1:" + port);
        var admin = new OpenBaoAdmin(address, null);
        process.awaitReady("OpenBao to answer on " + address, START_TIMEOUT, admin::answers);
        return new OpenBaoServer(process, address, rootToken);
    }

    public URI address() {
        return address;
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
