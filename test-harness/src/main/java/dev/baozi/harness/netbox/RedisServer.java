package dev.baozi.harness.netbox;

import dev.baozi.harness.Deadline;
import dev.baozi.harness.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's {@code redis-server} on a free loopback port, in memory only (no RDB, no AOF), as a child process. */
public final class RedisServer implements AutoCloseable {

    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start(Path dir) {
        if (!Files.isExecutable(REDIS_SERVER)) {
            throw new IllegalStateException("starting Redis: " + REDIS_SERVER + " is missing: run `make tools` (Debian package redis-server)");
        }
        int port = FreePort.pick();
        Process process;
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(List.of(REDIS_SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting Redis: " + e.getMessage(), e);
        }
        var server = new RedisServer(process, port);
        try {
            Deadline.await("Redis on 127.0.0.1:" + port, Duration.ofSeconds(15), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Redis exited with " + process.exitValue() + "; see " + dir.resolve("redis.log"));
                }
                try (var socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
