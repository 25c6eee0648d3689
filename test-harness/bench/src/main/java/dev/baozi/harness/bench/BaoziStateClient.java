package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/** Speaks to the orchestrator the way OpenTofu's http backend does, plus the admin call that issues state tokens. */
final class BaoziStateClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final URI base;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    BaoziStateClient(URI base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    /** A new read-write state token for {@code workspace}, created first (demo-data template) if it does not exist. */
    String issueStateToken(String workspace) throws IOException, InterruptedException {
        var exists = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/workspaces/" + workspace))
                .timeout(TIMEOUT).header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (exists.statusCode() == 404) {
            var create = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/workspaces"))
                    .timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + adminToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + workspace + "\",\"template\":\"demo-data\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (create.statusCode() != 201) {
                throw new IllegalStateException("creating workspace " + workspace + ": HTTP " + create.statusCode() + " " + create.body());
            }
        }
        var request = HttpRequest.newBuilder(base.resolve("/api/v1/workspaces/" + workspace + "/state-tokens"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\",\"access\":\"read-write\"}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("issuing a state token for " + workspace + ": HTTP " + response.statusCode()
                    + " " + response.body());
        }
        return JSON.readTree(response.body()).path("token").asText();
    }

    /**
     * The workspace's current state (GET /state/{ws}); fails on anything but 200. Like Go's HTTP
     * client under tofu, it asks for gzip and decodes a gzip answer, then checks Content-MD5
     * against the decoded state as tofu does.
     */
    byte[] get(String workspace, String token) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(state(workspace))
                .timeout(TIMEOUT)
                .header("Authorization", basic(token))
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /state/" + workspace + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        byte[] state = decoded(response);
        String md5 = response.headers().firstValue("Content-MD5").orElse("");
        if (!md5.equals(md5(state))) {
            throw new IllegalStateException("GET /state/" + workspace + ": Content-MD5 " + md5
                    + " is not the MD5 of the state received");
        }
        return state;
    }

    /** The body, gunzipped when the answer says {@code Content-Encoding: gzip} (as Go's transport does). */
    static byte[] decoded(HttpResponse<byte[]> response) throws IOException {
        if (!response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            return response.body();
        }
        try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()), 64 * 1024)) {
            return in.readAllBytes();
        }
    }

    /** POST /state/{ws} with the Content-MD5 header tofu sends; returns the version Baozi stored. */
    long post(String workspace, String token, byte[] state, String md5) throws IOException, InterruptedException {
        return post(workspace, token, state, md5, null);
    }

    /**
     * POST /state/{ws}, with {@code ?ID=<lockId>} when {@code lockId} is not null (tofu adds it
     * while it holds the lock); returns the version Baozi stored.
     */
    long post(String workspace, String token, byte[] state, String md5, String lockId)
            throws IOException, InterruptedException {
        URI uri = lockId == null ? state(workspace)
                : URI.create(state(workspace) + "?ID=" + URLEncoder.encode(lockId, StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", basic(token))
                .header("Content-Type", "application/json")
                .header("Content-MD5", md5)
                .POST(HttpRequest.BodyPublishers.ofByteArray(state))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /state/" + workspace + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        JsonNode answer = JSON.readTree(response.body());
        return answer.path("version").asLong();
    }

    /** LOCK /state/{ws} with tofu's lock info JSON; fails on anything but 200 (423 names the holder). */
    void lock(String workspace, String token, byte[] lockInfo) throws IOException, InterruptedException {
        lockCall("LOCK", workspace, token, lockInfo);
    }

    /** UNLOCK /state/{ws} with the same lock info JSON; fails on anything but 200. */
    void unlock(String workspace, String token, byte[] lockInfo) throws IOException, InterruptedException {
        lockCall("UNLOCK", workspace, token, lockInfo);
    }

    private void lockCall(String method, String workspace, String token, byte[] lockInfo)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(state(workspace))
                .timeout(TIMEOUT)
                .header("Authorization", basic(token))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(lockInfo))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " /state/" + workspace + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /** Tofu's lock info for a new lock with ID {@code id}, as its http backend sends it with LOCK and UNLOCK. */
    static byte[] lockInfo(String id) {
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode()
                    .put("ID", id)
                    .put("Operation", "OperationTypeApply")
                    .put("Info", "")
                    .put("Who", "bench@localhost")
                    .put("Version", "1.12.6")
                    .put("Created", java.time.Instant.now().toString())
                    .put("Path", ""));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base URL of the orchestrator (for tofu's http backend settings). */
    URI base() {
        return base;
    }

    /** The address tofu's http backend is given for {@code workspace}. */
    String stateUrl(String workspace) {
        return state(workspace).toString();
    }

    static String md5(byte[] content) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private URI state(String workspace) {
        return base.resolve("/state/" + workspace);
    }

    private static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("bench:" + token).getBytes(StandardCharsets.UTF_8));
    }
}
