package dev.baozi.harness.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * A small client for the OpenBao HTTP API calls an operator makes: init, unseal, seal, mounts,
 * policies, AppRole. Used by the harness and {@code make run}, never by the orchestrator.
 */
public final class OpenBaoAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI address;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public OpenBaoAdmin(URI address, String token) {
        this.address = address;
        this.token = token;
    }

    public OpenBaoAdmin withToken(String otherToken) {
        return new OpenBaoAdmin(address, otherToken);
    }

    /** The server's initialisation and seal state. */
    public record Health(boolean initialized, boolean sealed) {}

    /** The one unseal key and the root token of a freshly initialised server. */
    public record InitResult(String unsealKey, String rootToken) {}

    /** True when anything answers HTTP on the address. */
    public boolean answers() {
        try {
            send("GET", "sys/health?standbyok=true&sealedcode=200&uninitcode=200", null);
            return true;
        } catch (OpenBaoAdminException e) {
            return e.status() > 0;
        }
    }

    public Health health() {
        JsonNode h = send("GET", "sys/health?standbyok=true&sealedcode=200&uninitcode=200", null);
        return new Health(h.path("initialized").asBoolean(), h.path("sealed").asBoolean());
    }

    public InitResult init() {
        ObjectNode body = JSON.createObjectNode().put("secret_shares", 1).put("secret_threshold", 1);
        JsonNode r = send("PUT", "sys/init", body);
        return new InitResult(r.path("keys_base64").path(0).asText(), r.path("root_token").asText());
    }

    public void unseal(String key) {
        send("PUT", "sys/unseal", JSON.createObjectNode().put("key", key));
    }

    public void seal() {
        send("PUT", "sys/seal", null);
    }

    public Set<String> secretsEngines() {
        return keysOf(send("GET", "sys/mounts", null));
    }

    public Set<String> authMethods() {
        return keysOf(send("GET", "sys/auth", null));
    }

    /** Enables a secrets engine at {@code path} unless something is mounted there already. */
    public void ensureSecretsEngine(String path, String type, ObjectNode options) {
        if (secretsEngines().contains(path + "/")) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("type", type);
        if (options != null) {
            body.set("options", options);
        }
        send("POST", "sys/mounts/" + path, body);
    }

    public void ensureAuthMethod(String path, String type) {
        if (!authMethods().contains(path + "/")) {
            send("POST", "sys/auth/" + path, JSON.createObjectNode().put("type", type));
        }
    }

    /** Writes an ACL policy; {@code policy} is its JSON form. */
    public void putPolicy(String name, JsonNode policy) {
        send("PUT", "sys/policies/acl/" + name, JSON.createObjectNode().put("policy", policy.toString()));
    }

    public JsonNode write(String path, JsonNode body) {
        return send("POST", path, body == null ? JSON.createObjectNode() : body);
    }

    public JsonNode read(String path) {
        return send("GET", path, null);
    }

    private static Set<String> keysOf(JsonNode response) {
        JsonNode data = response.has("data") ? response.get("data") : response;
        Set<String> keys = new HashSet<>();
        data.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Sends a request to {@code /v1/<path>}; returns the JSON body (empty object for 204). */
    public JsonNode send(String method, String path, JsonNode body) {
        var request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            request.header("X-Vault-Token", token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new OpenBaoAdminException(method + " " + path + ": OpenBao at " + address + " refused the connection", 0);
        } catch (IOException e) {
            throw new OpenBaoAdminException(method + " " + path + ": " + e, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenBaoAdminException(method + " " + path + ": interrupted", 0);
        }
        JsonNode json;
        try {
            json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode().put("raw", response.body());
        }
        if (response.statusCode() >= 400) {
            throw new OpenBaoAdminException(method + " " + path + ": HTTP " + response.statusCode() + " "
                    + json.path("errors"), response.statusCode());
        }
        return json;
    }

    /** An OpenBao API call failed; {@link #status()} is 0 when nothing answered. */
    public static final class OpenBaoAdminException extends RuntimeException {
        private final int status;

        public OpenBaoAdminException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
