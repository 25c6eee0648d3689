package dev.baozi.vars.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link OpenBaoApi} over {@code java.net.http}: sends the token the supplier gives at each call
 * (so a renewing session can stand behind it) as {@code X-Vault-Token}. Standalone use needs only
 * an address and a token; this is also what a VM-side fetch uses with a wrapping token.
 */
public final class HttpOpenBaoApi implements OpenBaoApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI address;
    private final Supplier<String> token;
    private final Duration timeout;
    private final HttpClient http;

    public HttpOpenBaoApi(URI address, Supplier<String> token, Duration timeout) {
        this.address = address;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The same server with another token (e.g. one just unwrapped). */
    public HttpOpenBaoApi withToken(String otherToken) {
        return new HttpOpenBaoApi(address, () -> otherToken, timeout);
    }

    public URI address() {
        return address;
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
        var request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
                .timeout(timeout.multipliedBy(6))
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
            throw new OpenBaoUnreachableException(method + " " + pathOnly(path) + ": OpenBao at " + address
                    + " did not answer (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenBaoUnreachableException(method + " " + pathOnly(path) + ": interrupted while waiting for OpenBao", e);
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

    @Override
    public String toString() {
        return "HttpOpenBaoApi[" + address + "]";
    }
}
