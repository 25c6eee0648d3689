package dev.baozi.orchestrator.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * OpenBao's HTTP API with the session's token, for what the Java driver does not cover (KV v2
 * check-and-set, transit data keys). Unreachable, sealed or 5xx → {@link OpenBaoUnavailableException};
 * other refusals → {@link OpenBaoRequestException}.
 */
public final class OpenBaoHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI address;
    private final Supplier<String> token;
    private final Duration timeout;
    private final HttpClient http;

    public OpenBaoHttp(URI address, Supplier<String> token, Duration timeout) {
        this.address = address;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public static OpenBaoHttp forSession(OpenBaoSession session) {
        return new OpenBaoHttp(session.settings().address(), session::token, session.settings().timeout());
    }

    public URI address() {
        return address;
    }

    /** An answer from OpenBao: status and JSON body (empty object when there was none). */
    public record Response(int status, JsonNode body) {
        public String errors() {
            return body.path("errors").toString();
        }

        public Response requireOk(String what) {
            if (status >= 200 && status < 300) {
                return this;
            }
            if (status >= 500 || status == 429) {
                throw new OpenBaoUnavailableException(what + ": OpenBao answered HTTP " + status + " " + errors());
            }
            throw new OpenBaoRequestException(what + ": OpenBao answered HTTP " + status + " " + errors(), status);
        }
    }

    /** Sends {@code method} to {@code /v1/<path>}. */
    public Response send(String method, String path, JsonNode body) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("encoding a request to OpenBao", e);
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
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OpenBaoUnavailableException(method + " " + path.replaceAll("\\?.*", "") + ": OpenBao at " + address
                    + " did not answer (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenBaoUnavailableException("interrupted while waiting for OpenBao", e);
        }
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new Response(response.statusCode(), json);
    }
}
