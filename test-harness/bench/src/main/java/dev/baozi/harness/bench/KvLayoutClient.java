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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The second baseline: the OpenBao calls Baozi's layout needs for one state operation, made
 * straight on OpenBao with the orchestrator's AppRole token. The layout is issue 15's: one head
 * record per workspace ({@code states/<ws>/head}) that carries the lock and the current state
 * (gzip inline up to 384 KiB, otherwise references to 512 KiB chunks written first). A POST is
 * the chunk writes (if any) and one check-and-set write of the head; a LOCK and an UNLOCK are one
 * check-and-set write of the head each (the state's fields carried along); a GET is one read of
 * the head, the chunk reads and the client's gunzip. Like Baozi, the client keeps the head it
 * last wrote (and its KV version) so a write needs no read first. The gzip and base64 of a write
 * are prepared before it is timed ({@link #prepare}), so this is the cost of the calls alone.
 */
final class KvLayoutClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INLINE_BYTES = 384 * 1024;
    private static final int CHUNK_BYTES = 512 * 1024;

    private final KvHttp kv;
    /** The head this client last wrote per workspace: its KV version (the next CAS) and its data. */
    private final Map<String, Head> heads = new ConcurrentHashMap<>();

    KvLayoutClient(URI address, String mount, String token) {
        this.kv = KvHttp.of(address, mount, token);
    }

    /** A state ready to write: its chunk bodies (none when inline) and the head's state fields. */
    record Prepared(String workspace, List<byte[]> chunkBodies, ObjectNode stateFields) {}

    private record Head(long version, ObjectNode data) {}

    /** Gzips and encodes {@code state} as Baozi stores it under {@code workspace}. */
    Prepared prepare(String workspace, byte[] state, long serial) {
        byte[] gzip = OpenBaoStateStore.gzip(state); // the same compression Baozi uses
        ObjectNode fields = JSON.createObjectNode().put("size", state.length).put("serial", serial);
        List<byte[]> chunks = new ArrayList<>();
        if (gzip.length <= INLINE_BYTES) {
            fields.put("chunks", 0).put("inline", Base64.getEncoder().encodeToString(gzip));
        } else {
            String generation = UUID.randomUUID().toString();
            for (int from = 0; from < gzip.length; from += CHUNK_BYTES) {
                byte[] part = Arrays.copyOfRange(gzip, from, Math.min(gzip.length, from + CHUNK_BYTES));
                ObjectNode body = JSON.createObjectNode();
                body.putObject("data").put("b", Base64.getEncoder().encodeToString(part));
                chunks.add(bytes(body));
            }
            fields.put("generation", generation).put("chunks", chunks.size());
        }
        return new Prepared(workspace, chunks, fields);
    }

    /** Chunk writes, then the head (the lock as it was, the new state) with check-and-set; the new version. */
    long write(Prepared state) throws IOException, InterruptedException {
        String generation = state.stateFields().path("generation").asText();
        for (int i = 0; i < state.chunkBodies().size(); i++) {
            requireOk("writing a chunk", send("POST", "states/" + state.workspace() + "/blobs/" + generation + "/" + i,
                    state.chunkBodies().get(i)));
        }
        Head head = head(state.workspace());
        ObjectNode data = state.stateFields().deepCopy();
        if (head.data().has("lock")) {
            data.set("lock", head.data().get("lock"));
        }
        return writeHead(state.workspace(), head.version(), data);
    }

    /** LOCK: the head as it was plus {@code lockInfo}, one check-and-set write; the new version. */
    long lock(String workspace, JsonNode lockInfo) throws IOException, InterruptedException {
        Head head = head(workspace);
        ObjectNode data = head.data().deepCopy();
        data.set("lock", lockInfo);
        return writeHead(workspace, head.version(), data);
    }

    /** UNLOCK: the head as it was without its lock, one check-and-set write; the new version. */
    long unlock(String workspace) throws IOException, InterruptedException {
        Head head = head(workspace);
        ObjectNode data = head.data().deepCopy();
        data.remove("lock");
        return writeHead(workspace, head.version(), data);
    }

    private Head head(String workspace) {
        return heads.getOrDefault(workspace, new Head(0, JSON.createObjectNode()));
    }

    private long writeHead(String workspace, long expected, ObjectNode data) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("options").put("cas", expected);
        body.set("data", data);
        HttpResponse<byte[]> written = requireOk("writing the head", send("POST", headPath(workspace), bytes(body)));
        long version = JSON.readTree(written.body()).path("data").path("version").asLong();
        heads.put(workspace, new Head(version, data));
        return version;
    }

    /** Head read, chunk reads, gunzip: the state's bytes. */
    byte[] read(String workspace) throws IOException, InterruptedException {
        JsonNode pointer = JSON.readTree(requireOk("reading the head", send("GET", headPath(workspace), null)).body())
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

    private static String headPath(String workspace) {
        return "states/" + workspace + "/head";
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
