package dev.baozi.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** The orchestrator's REST API as one caller (a bearer token) sees it. */
public final class ApiClient {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String base;
    private final String token;

    public ApiClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, JsonNode body) {
        public String error() {
            return body.path("error").asText();
        }
    }

    public Answer call(String method, String path, Object body) {
        try {
            var request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    public Answer get(String path) {
        return call("GET", path, null);
    }

    public Answer post(String path, Object body) {
        return call("POST", path, body);
    }

    /** Creates a user with {@code role} (this client must be an admin) and returns a client with their token. */
    public ApiClient user(String name, String role) {
        Answer created = post("/users", java.util.Map.of("name", name, "role", role));
        if (created.status() != 201) {
            throw new IllegalStateException("creating user " + name + ": " + created);
        }
        Answer token = post("/users/" + name + "/tokens", java.util.Map.of("name", "test"));
        return new ApiClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), token.body().path("token").asText());
    }

    /** Waits until run {@code id} reaches one of {@code statuses}; returns the run. */
    public JsonNode awaitRun(long id, Duration timeout, String... statuses) {
        Set<String> wanted = Set.of(statuses);
        JsonNode[] last = new JsonNode[1];
        try {
            awaitStatus(id, timeout, wanted, last);
        } catch (IllegalStateException e) {
            if (last[0] == null || !e.getMessage().startsWith("timed out")) {
                throw e;
            }
            throw new IllegalStateException(e.getMessage() + "; the run is " + last[0] + "; its log ends "
                    + tail(get("/runs/" + id + "/logs").body().path("lines"), 15), e);
        }
        return last[0];
    }

    private static String tail(JsonNode lines, int n) {
        var text = new java.util.ArrayList<String>();
        lines.forEach(l -> text.add(l.path("step").asText() + ": " + l.path("line").asText()));
        return String.join("\n  ", text.subList(Math.max(0, text.size() - n), text.size()));
    }

    private void awaitStatus(long id, Duration timeout, Set<String> wanted, JsonNode[] last) {
        Deadline.await("run " + id + " to become " + wanted, timeout, () -> {
            last[0] = get("/runs/" + id).body();
            String status = last[0].path("status").asText();
            if (!wanted.contains(status) && Set.of("errored", "canceled", "discarded", "applied", "planned_no_changes").contains(status)) {
                throw new IllegalStateException("run " + id + " ended " + status + " instead of " + wanted + ": " + last[0]);
            }
            return wanted.contains(status);
        });
    }
}
