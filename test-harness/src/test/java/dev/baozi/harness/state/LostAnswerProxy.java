package dev.baozi.harness.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on a free loopback port in front of an HTTP server on loopback that loses one answer:
 * it forwards every HTTP/1.1 request (one per connection, {@code Connection: close} on both legs),
 * but once the upstream has answered the first request of {@code method}, it closes the client's
 * connection without sending a byte of that answer, as a network cut would. Bounded: every socket
 * has a read timeout, requests are one head of at most 64 KiB and a {@code Content-Length} body,
 * and {@link #close} stops it.
 */
final class LostAnswerProxy implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 60_000;
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    /** One request that went through: its method, target and body, and whether its answer was lost. */
    record Exchange(String method, String target, String body, int status, boolean answerLost) {}

    private final ServerSocket server;
    private final int upstreamPort;
    private final String method;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<String> faults = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private LostAnswerProxy(ServerSocket server, int upstreamPort, String method) {
        this.server = server;
        this.upstreamPort = upstreamPort;
        this.method = method;
    }

    /** Starts a proxy to {@code 127.0.0.1:upstreamPort} that loses the answer to the first {@code method} request. */
    static LostAnswerProxy start(int upstreamPort, String method) {
        try {
            var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            var proxy = new LostAnswerProxy(server, upstreamPort, method.toUpperCase(Locale.ROOT));
            proxy.threads.submit(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("opening the proxy's port on loopback", e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>} through this proxy. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The requests forwarded so far, in the order their answers came back from the upstream. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** What went wrong inside the proxy itself (a malformed request, an unreachable upstream); empty normally. */
    List<String> faults() {
        return List.copyOf(faults);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            faults.add("closing the proxy's port: " + e.getMessage());
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.submit(() -> serve(client));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                faults.add("accepting a connection: " + e.getMessage());
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; var upstream = new Socket()) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return; // the client closed an idle connection
            }
            Head request = Head.parse(head);
            if (request.header("transfer-encoding") != null) {
                faults.add(request.startLine() + ": a chunked request body; this proxy forwards Content-Length bodies only");
                return;
            }
            String length = request.header("content-length");
            int bodyLength = length == null ? 0 : Integer.parseInt(length.strip());
            if (bodyLength > MAX_BODY) {
                faults.add(request.startLine() + ": a body of " + bodyLength + " bytes is more than this proxy takes");
                return;
            }
            byte[] body = in.readNBytes(bodyLength);

            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), TIMEOUT_MILLIS);
            upstream.setSoTimeout(TIMEOUT_MILLIS);
            upstream.getOutputStream().write(request.closing());
            upstream.getOutputStream().write(body);
            upstream.getOutputStream().flush();
            byte[] answer = upstream.getInputStream().readAllBytes(); // the upstream closes after one answer
            int split = headEnd(answer);
            if (split < 0) {
                faults.add(request.startLine() + ": the upstream's answer has no complete head");
                return;
            }
            Head response = Head.parse(java.util.Arrays.copyOf(answer, split));
            int status = Integer.parseInt(response.startLine().split(" ")[1]);

            String requestMethod = request.startLine().split(" ")[0].toUpperCase(Locale.ROOT);
            boolean loseIt = requestMethod.equals(method) && lost.compareAndSet(false, true);
            exchanges.add(new Exchange(requestMethod, request.startLine().split(" ")[1],
                    new String(body, StandardCharsets.UTF_8), status, loseIt));
            if (loseIt) {
                return; // the answer is lost: the connection closes without a byte of it
            }
            client.getOutputStream().write(response.closing());
            client.getOutputStream().write(answer, split, answer.length - split);
            client.getOutputStream().flush();
        } catch (IOException | RuntimeException e) {
            faults.add("forwarding a request: " + e);
        }
    }

    /** The request or response head up to and including its blank line; null when the stream ends before a byte. */
    private static byte[] readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the connection ended inside a request head");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        throw new IOException("a request head longer than " + MAX_HEAD + " bytes");
    }

    /** The index just after the blank line that ends the head in {@code bytes}, or -1. */
    private static int headEnd(byte[] bytes) {
        for (int i = 3; i < bytes.length; i++) {
            if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** An HTTP/1.1 message head: its start line and header lines. */
    private record Head(String startLine, List<String> headers) {

        static Head parse(byte[] head) {
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isEmpty()) {
                    headers.add(lines[i]);
                }
            }
            return new Head(lines[0], headers);
        }

        String header(String name) {
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        /** This head with {@code Connection: close} instead of any connection header of its own. */
        byte[] closing() {
            var text = new StringBuilder(startLine).append("\r\n");
            for (String line : headers) {
                String name = line.substring(0, Math.max(line.indexOf(':'), 0)).strip();
                if (!name.equalsIgnoreCase("connection") && !name.equalsIgnoreCase("keep-alive")) {
                    text.append(line).append("\r\n");
                }
            }
            text.append("Connection: close\r\n\r\n");
            return text.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
