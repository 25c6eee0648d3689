package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * The second baseline: the OpenBao calls Baozi makes for one state operation, made straight on
 * OpenBao with the orchestrator's AppRole token, in Baozi's layout. A write is the lock lookup
 * (a read of {@code locks/<ws>}), the chunk writes when the gzip is over 384 KiB, and the pointer
 * write with check-and-set; a read is the pointer read, the chunk reads, and the gunzip the
 * client does. The gzip and base64 of a write are prepared before it is timed ({@link #prepare}),
 * so this is the cost of the calls alone.
 */
final class KvLayoutClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INLINE_BYTES = 384 * 1024;
    private static final int CHUNK_BYTES = 512 * 1024;

    private final KvHttp kv;

    KvLayoutClient(URI address, String mount, String token) {
        this.kv = KvHttp.of(address, mount, token);
    }

    /** A state ready to write: its chunk bodies (none when inline) and its pointer's data. */
    record Prepared(String workspace, List<byte[]> chunkBodies, ObjectNode pointer) {}

    /** Gzips and encodes {@code state} as Baozi stores it under {@code workspace}. */
    Prepared prepare(String workspace, byte[] state, long serial) {
        byte[] gzip = OpenBaoStateStore.gzip(state); // the same compression Baozi uses
        ObjectNode pointer = JSON.createObjectNode().put("size", state.length).put("serial", serial);
        List<byte[]> chunks = new ArrayList<>();
        if (gzip.length <= INLINE_BYTES) {
            pointer.put("chunks", 0).put("inline", Base64.getEncoder().encodeToString(gzip));
        } else {
            String generation = UUID.randomUUID().toString();
            for (int from = 0; from < gzip.length; from += CHUNK_BYTES) {
                byte[] part = Arrays.copyOfRange(gzip, from, Math.min(gzip.length, from + CHUNK_BYTES));
                ObjectNode body = JSON.createObjectNode();
                body.putObject("data").put("b", Base64.getEncoder().encodeToString(part));
                chunks.add(bytes(body));
            }
            pointer.put("generation", generation).put("chunks", chunks.size());
        }
        return new Prepared(workspace, chunks, pointer);
    }

    /** Lock lookup, chunk writes, pointer write with check-and-set against {@code expectedHead}; the new version. */
    long write(Prepared state, long expectedHead) throws IOException, InterruptedException {
        HttpResponse<byte[]> lock = send("GET", "locks/" + state.workspace(), null);
        if (lock.statusCode() != 404 && lock.statusCode() != 200) {
            throw new IllegalStateException("reading the lock of " + state.workspace() + ": HTTP " + lock.statusCode());
        }
        String generation = state.pointer().path("generation").asText();
        for (int i = 0; i < state.chunkBodies().size(); i++) {
            requireOk("writing a chunk", send("POST", "states/" + state.workspace() + "/blobs/" + generation + "/" + i,
                    state.chunkBodies().get(i)));
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("options").put("cas", expectedHead);
        body.set("data", state.pointer());
        HttpResponse<byte[]> written = requireOk("writing the pointer", send("POST", pointer(state.workspace()), bytes(body)));
        return JSON.readTree(written.body()).path("data").path("version").asLong();
    }

    /** Pointer read, chunk reads, gunzip: the state's bytes. */
    byte[] read(String workspace) throws IOException, InterruptedException {
        JsonNode pointer = JSON.readTree(requireOk("reading the pointer", send("GET", pointer(workspace), null)).body())
                .path("data").path("data");
        var gzip = new ByteArrayOutputStream();
        if (pointer.hasNonNull("inline")) {
            gzip.writeBytes(Base64.getDecoder().decode(pointer.path("inline").asText()));
        }
        for (int i = 0; i < pointer.path("chunks").asInt(); i++) {
            String path = "states/" + workspace + "/blobs/" + pointer.path("generation").asText() + "/" + i;
            JsonNode chunk = JSON.readTree(requireOk("reading a chunk", send("GET", path, null)).body());
            gzip.writeBytes(Base64.getDecoder().decode(chunk.path("data").path("data").path("b").asText()));
        }
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip.toByteArray()), 64 * 1024)) {
            return in.readAllBytes();
        }
    }

    private static String pointer(String workspace) {
        return "states/" + workspace + "/current";
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body) throws IOException, InterruptedException {
        var request = kv.data("bench-layout/" + path)
                .header("Accept-Encoding", "gzip")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> response = kv.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.headers().firstValue("Content-Encoding").isPresent()) {
            throw new IllegalStateException("OpenBao compressed its answer to " + method + " " + path
                    + "; this baseline does not decode that");
        }
        return response;
    }

    private HttpResponse<byte[]> requireOk(String what, HttpResponse<byte[]> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " straight on OpenBao: HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
