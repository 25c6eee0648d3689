package dev.baozi.harness.netbox;

import dev.baozi.harness.FreePort;
import dev.baozi.harness.ManagedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Debian's {@code redis-server} on a free loopback port, in memory only (no RDB, no AOF), as a child process. */
public final class RedisServer implements AutoCloseable {

    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    private final ManagedProcess process;
    private final int port;

    private RedisServer(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start(Path dir) {
        if (!Files.isExecutable(REDIS_SERVER)) {
            throw new IllegalStateException("starting Redis: " + REDIS_SERVER + " is missing: run `make tools` (Debian package redis-server)");
        }
        int port = FreePort.pick();
        ManagedProcess process = ManagedProcess.command("Redis", List.of(REDIS_SERVER.toString(), "--port", Integer.toString(port),
                        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                        "--protected-mode", "yes"))
                .in(dir).logTo(dir.resolve("redis.log")).start();
        process.awaitReady("Redis on 127.0.0.1:" + port, Duration.ofSeconds(15), () -> {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return new RedisServer(process, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
