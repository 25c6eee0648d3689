package dev.baozi.harness.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The baseline: a state kept as one opaque string value in an OpenBao KV v2 secret, written and
 * read straight over OpenBao's HTTP API with the orchestrator's AppRole token.
 */
final class KvDirectClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KvHttp kv;

    KvDirectClient(URI address, String mount, String token) {
        this.kv = KvHttp.of(address, mount, token);
    }

    /** Writes a ready-made KV v2 body ({@code {"data":{"state":"..."}}}) as a new version of {@code path}. */
    void write(String path, byte[] kvBody) throws IOException, InterruptedException {
        var request = kv.data(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(kvBody))
                .build();
        HttpResponse<byte[]> response = kv.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("writing " + kv.mount() + "/data/" + path + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /** Reads the latest version of {@code path} and returns the state string's bytes. */
    byte[] read(String path) throws IOException, InterruptedException {
        return stateOf(readAnswer(path));
    }

    /**
     * The KV v2 read answer for {@code path}, asked for with {@code Accept-Encoding: gzip} as Go's
     * HTTP client (the bao CLI, the Vault/OpenBao Go API) asks, and decoded if OpenBao compressed it.
     */
    private byte[] readAnswer(String path) throws IOException, InterruptedException {
        var request = kv.data(path)
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        HttpResponse<byte[]> response = kv.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("reading " + kv.mount() + "/data/" + path + ": HTTP " + response.statusCode());
        }
        return BaoziStateClient.decoded(response);
    }

    /** {@code data.data.state} of a KV v2 read answer, found with a streaming parser (no tree). */
    private static byte[] stateOf(byte[] answer) throws IOException {
        try (JsonParser p = JSON.createParser(answer)) {
            int depth = 0;
            boolean inData = false;
            while (p.nextToken() != null) {
                JsonToken t = p.currentToken();
                if (t == JsonToken.START_OBJECT) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (depth == 1 && !name.equals("data")) {
                        p.nextToken();
                        p.skipChildren();
                    } else if (depth == 1) {
                        inData = true;
                    } else if (depth == 2 && inData && !name.equals("data")) {
                        p.nextToken();
                        p.skipChildren();
                    } else if (depth == 3 && name.equals("state")) {
                        p.nextToken();
                        return p.getText().getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new IllegalStateException("the KV v2 answer has no data.data.state");
    }
}
