package dev.baozi.harness.netbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of an HTTP server that passes everything through, except that the
 * answer to the first request whose bytes contain {@code marker} is thrown away and its
 * connection closed: the server did the work, the client never hears of it (a lost answer).
 */
final class LosingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final byte[] marker;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicInteger seen = new AtomicInteger();

    LosingProxy(URI target, String marker) throws IOException {
        this.target = target;
        this.marker = marker.getBytes(StandardCharsets.US_ASCII);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** How many requests carried the marker. */
    int seen() {
        return seen.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getHost(), target.getPort());
                var dropAnswer = new AtomicBoolean();
                Thread.ofVirtual().start(() -> pipe(client, upstream, dropAnswer, true));
                Thread.ofVirtual().start(() -> pipe(upstream, client, dropAnswer, false));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(Socket from, Socket to, AtomicBoolean dropAnswer, boolean request) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (request && contains(buffer, n, marker)) {
                    seen.incrementAndGet();
                    if (lost.compareAndSet(false, true)) {
                        dropAnswer.set(true);
                    }
                }
                if (!request && dropAnswer.get()) {
                    to.close(); // the answer arrived at the proxy and goes no further
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close the other too
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing sockets that are already gone
            }
        }
    }

    private static boolean contains(byte[] data, int length, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
