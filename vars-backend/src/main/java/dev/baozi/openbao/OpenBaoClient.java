package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The house's HTTP client of OpenBao ({@code java.net.http}, HTTP/1.1, no worker pool): one connection pool per
 * server, the token the supplier gives at each call (so a renewing session can stand behind it)
 * as {@code X-Vault-Token}, the connection's CA when it names one. Standalone use needs only an
 * address and a token; a VM-side fetch uses it with a wrapping token.
 */
public final class OpenBaoClient implements OpenBaoApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoConnection connection;
    private final Supplier<String> token;
    private final HttpClient http;

    public OpenBaoClient(OpenBaoConnection connection, Supplier<String> token) {
        this(connection, token, httpClient(connection));
    }

    private OpenBaoClient(OpenBaoConnection connection, Supplier<String> token, HttpClient http) {
        this.connection = connection;
        this.token = token;
        this.http = http;
    }

    /** The same server and connections with another token (e.g. one just unwrapped). */
    public OpenBaoClient withToken(String otherToken) {
        return new OpenBaoClient(connection, () -> otherToken, http);
    }

    public URI address() {
        return connection.address();
    }

    public OpenBaoConnection connection() {
        return connection;
    }

    @Override
    public OpenBaoResponse send(String method, String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("encoding a request to OpenBao for " + method + " " + pathOnly(path), e);
        }
        var request = HttpRequest.newBuilder(connection.address().resolve("/v1/" + path))
                .timeout(connection.timeout().multipliedBy(6))
                .method(method, publisher);
        String current = token.get();
        if (current != null) {
            request.header("X-Vault-Token", current);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OpenBaoUnavailableException(method + " " + pathOnly(path) + ": OpenBao at " + connection.address()
                    + " did not answer (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenBaoUnavailableException(method + " " + pathOnly(path) + ": interrupted while waiting for OpenBao", e);
        }
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new OpenBaoResponse(response.statusCode(), json);
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /**
     * The JDK client with its asynchronous steps run inline on its selector thread instead of a
     * worker pool: a call then wakes the caller straight from the selector, one hand-off instead
     * of three. Only the client's own non-blocking steps run there (reading the body into a
     * byte[]); {@link #send} parses the JSON on the caller's thread. Measured under
     * {@code make profile-state} (docs/benchmarks.md): a 100 KiB KV read 4.7 → 3.3 ms p50, a
     * write 4.1 → 4.0 ms, and no worker-pool parks; a blocking {@code HttpURLConnection} read as
     * fast but wrote slower (5.4 ms).
     */
    private static HttpClient httpClient(OpenBaoConnection connection) {
        var builder = HttpClient.newBuilder().connectTimeout(connection.timeout()).version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run);
        connection.caCert().ifPresent(ca -> builder.sslContext(trusting(ca)));
        return builder.build();
    }

    /** A TLS context that trusts the certificates in PEM file {@code ca} and nothing else, as the Java driver's {@code pemFile}. */
    static SSLContext trusting(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("openbao-ca-" + i++, cert);
            }
            if (i == 0) {
                throw new IllegalArgumentException("the OpenBao CA certificate file " + ca + " holds no PEM certificate");
            }
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("reading the OpenBao CA certificate file " + ca + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "OpenBaoClient[" + connection.address() + "]";
    }
}
