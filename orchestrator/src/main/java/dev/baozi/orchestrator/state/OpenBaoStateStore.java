package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.openbao.CasWrite;
import dev.baozi.openbao.KvEntry;
import dev.baozi.openbao.KvMetadata;
import dev.baozi.openbao.KvV2;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * States in OpenBao KV v2. Content is gzip-compressed. Up to 384 KiB compressed it is kept
 * inline in the pointer record {@code states/<ws>/current} (one OpenBao call to read or write);
 * larger content is cut into chunks of 512 KiB ({@code states/<ws>/blobs/<generation>/<i>},
 * each one opaque base64 string, well under OpenBao's 1 MiB storage entry limit). A write
 * stores its chunks under a fresh generation first, then switches the pointer with
 * check-and-set, so a reader sees either the old generation or the new one, never a mix. The
 * pointer's own KV versions are the state's history; OpenBao keeps {@code retention} of them
 * and this store deletes the chunks of the version that falls out.
 */
public final class OpenBaoStateStore implements StateStore {

    static final int CHUNK_BYTES = 512 * 1024;
    static final int INLINE_BYTES = 384 * 1024;
    private static final Logger log = LoggerFactory.getLogger(OpenBaoStateStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Virtual threads for chunk reads and writes that run side by side; nothing to shut down. */
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

    private final KvV2 kv;
    private final Clock clock;
    private final int retention;
    private final Set<String> retentionApplied = ConcurrentHashMap.newKeySet();
    /** The newest pointer record this process has seen per workspace; may be stale, check-and-set catches that. */
    private final ConcurrentHashMap<String, KvEntry> lastSeen = new ConcurrentHashMap<>();

    public OpenBaoStateStore(KvV2 kv, Clock clock, int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1");
        }
        this.kv = kv;
        this.clock = clock;
        this.retention = retention;
    }

    private static String pointer(WorkspaceName ws) {
        return "states/" + ws.value() + "/current";
    }

    private static String chunk(WorkspaceName ws, String generation, int index) {
        return "states/" + ws.value() + "/blobs/" + generation + "/" + index;
    }

    @Override
    public Optional<StateVersion> head(WorkspaceName workspace) {
        return readPointer(workspace, 0).map(OpenBaoStateStore::toVersion);
    }

    @Override
    public Optional<StateVersion> lastKnownHead(WorkspaceName workspace) {
        return Optional.ofNullable(lastSeen.get(workspace.value())).map(OpenBaoStateStore::toVersion);
    }

    private Optional<KvEntry> readPointer(WorkspaceName workspace, long version) {
        Optional<KvEntry> entry = kv.read(pointer(workspace), version);
        if (version == 0) {
            entry.ifPresent(e -> remember(workspace, e));
        }
        return entry;
    }

    private void remember(WorkspaceName workspace, KvEntry entry) {
        lastSeen.merge(workspace.value(), entry, (old, now) -> now.version() >= old.version() ? now : old);
    }

    @Override
    public Optional<StoredState> read(WorkspaceName workspace, long version) {
        return readCompressed(workspace, version).map(stored -> {
            byte[] content = gunzip(stored.gzip());
            if (!stored.version().sha256().equals(sha256(content))) {
                throw new IllegalStateException("state " + workspace + " version " + version + " does not match its sha256");
            }
            return new StoredState(stored.version(), content);
        });
    }

    @Override
    public Optional<CompressedState> readCompressed(WorkspaceName workspace, long version) {
        Optional<KvEntry> entry = readPointer(workspace, version);
        if (entry.isEmpty() || entry.get().data().path("deleted").asBoolean()) {
            return Optional.empty();
        }
        JsonNode data = entry.get().data();
        if (data.hasNonNull("inline")) {
            byte[] gzip = Base64.getDecoder().decode(data.path("inline").asText());
            return Optional.of(new CompressedState(toVersion(entry.get()), gzip));
        }
        String generation = data.path("generation").asText();
        List<Callable<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < data.path("chunks").asInt(); i++) {
            String path = chunk(workspace, generation, i);
            reads.add(() -> Base64.getDecoder().decode(kv.read(path).orElseThrow(() ->
                    new IllegalStateException("state chunk " + path + " is missing from OpenBao")).data().path("b").asText()));
        }
        var gzip = new ByteArrayOutputStream(reads.size() * CHUNK_BYTES);
        inParallel(reads).forEach(gzip::writeBytes);
        return Optional.of(new CompressedState(toVersion(entry.get()), gzip.toByteArray()));
    }

    @Override
    public WriteOutcome write(WorkspaceName workspace, StateBody body, String who, long expectedHead) {
        byte[] compressed = gzip(body.content());
        String generation = UUID.randomUUID().toString();
        boolean inline = compressed.length <= INLINE_BYTES;
        int chunks = inline ? 0 : (compressed.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        // The chunks are invisible until the pointer names their generation: write them side by side.
        List<Callable<Long>> writes = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            String path = chunk(workspace, generation, i);
            int from = i * CHUNK_BYTES;
            int length = Math.min(compressed.length, from + CHUNK_BYTES) - from;
            writes.add(() -> kv.put(path, JSON.createObjectNode().put("b", base64(compressed, from, length))));
        }
        try {
            inParallel(writes);
        } catch (RuntimeException e) {
            deleteChunks(workspace, generation, chunks);
            throw e;
        }
        StateFacts facts = body.facts();
        ObjectNode data = JSON.createObjectNode()
                .put("generation", generation)
                .put("chunks", chunks)
                .put("size", body.content().length)
                .put("sha256", body.sha256())
                .put("md5", body.md5())
                .put("who", who)
                .put("when", clock.instant().toString())
                .put("last_chunked", inline ? lastChunked(workspace, expectedHead) : expectedHead + 1);
        if (inline) {
            data.put("inline", Base64.getEncoder().encodeToString(compressed));
        }
        if (facts.isOpaque()) {
            data.putNull("serial").putNull("lineage");
        } else {
            data.put("serial", facts.serial()).put("lineage", facts.lineage());
        }
        WriteOutcome outcome;
        try {
            outcome = switchPointer(workspace, data, expectedHead);
        } catch (RuntimeException e) {
            deleteChunks(workspace, generation, chunks);
            throw e;
        }
        if (outcome instanceof WriteOutcome.Moved) {
            deleteChunks(workspace, generation, chunks);
        }
        return outcome;
    }

    @Override
    public WriteOutcome delete(WorkspaceName workspace, String who, long expectedHead) {
        ObjectNode data = JSON.createObjectNode()
                .put("deleted", true)
                .put("who", who)
                .put("when", clock.instant().toString())
                .put("last_chunked", lastChunked(workspace, expectedHead));
        return switchPointer(workspace, data, expectedHead);
    }

    private WriteOutcome switchPointer(WorkspaceName workspace, ObjectNode data, long expectedHead) {
        String pointer = pointer(workspace);
        // The version that falls out of the retained window with this write: its chunks go after the switch.
        // Only a version written at or before the newest chunked one can have chunks to delete.
        long leavingVersion = expectedHead + 1 - retention;
        Optional<KvEntry> leaving = Optional.empty();
        if (leavingVersion >= 1 && lastChunked(workspace, expectedHead) >= leavingVersion) {
            leaving = kv.read(pointer, leavingVersion);
        }
        if (!retentionApplied.contains(workspace.value())) {
            kv.setMaxVersions(pointer, retention); // once per workspace and process: follows a changed setting
            retentionApplied.add(workspace.value());
        }
        if (!(kv.write(pointer, data, expectedHead) instanceof CasWrite.Written version)) {
            lastSeen.remove(workspace.value());
            return new WriteOutcome.Moved();
        }
        remember(workspace, new KvEntry(data, version.version()));
        leaving.filter(e -> !e.data().path("deleted").asBoolean()).ifPresent(e ->
                deleteChunks(workspace, e.data().path("generation").asText(), e.data().path("chunks").asInt()));
        return new WriteOutcome.Written(toVersion(new KvEntry(data, version.version())));
    }

    @Override
    public List<StateVersion> versions(WorkspaceName workspace) {
        Optional<KvMetadata> metadata = kv.metadata(pointer(workspace));
        List<StateVersion> versions = new ArrayList<>();
        if (metadata.isEmpty()) {
            return versions;
        }
        for (Long v : metadata.get().versions().descendingKeySet()) {
            kv.read(pointer(workspace), v).map(OpenBaoStateStore::toVersion).ifPresent(versions::add);
        }
        return versions;
    }

    /** The newest chunked version as of head {@code expectedHead} (0: none), from the cached head when it is that one. */
    private long lastChunked(WorkspaceName workspace, long expectedHead) {
        if (expectedHead == 0) {
            return 0;
        }
        KvEntry known = lastSeen.get(workspace.value());
        KvEntry head = known != null && known.version() == expectedHead
                ? known
                : kv.read(pointer(workspace), expectedHead).orElse(null);
        // Unknown (head pruned or unreadable): assume the worst, so chunks are looked for.
        return head == null ? expectedHead : head.data().path("last_chunked").asLong(expectedHead);
    }

    /**
     * Runs {@code calls} side by side on virtual threads and returns their results in order. Every
     * call has ended when this returns or throws (so a cleanup after a failure cannot race a write
     * still on its way); the first failure is thrown.
     */
    private static <T> List<T> inParallel(List<Callable<T>> calls) {
        if (calls.size() == 1) {
            try {
                return List.of(calls.getFirst().call());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("calling OpenBao", e);
            }
        }
        List<Future<T>> futures = new ArrayList<>(calls.size());
        calls.forEach(call -> futures.add(CALLS.submit(call)));
        List<T> results = new ArrayList<>(calls.size());
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<T> future : futures) {
            while (true) {
                try {
                    results.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: each call ends by OpenBao's own timeout
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException("calling OpenBao", e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static String base64(byte[] bytes, int from, int length) {
        ByteBuffer encoded = Base64.getEncoder().encode(ByteBuffer.wrap(bytes, from, length));
        return new String(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining(),
                StandardCharsets.ISO_8859_1);
    }

    private void deleteChunks(WorkspaceName workspace, String generation, int count) {
        for (int i = 0; i < count; i++) {
            try {
                kv.deleteAll(chunk(workspace, generation, i));
            } catch (RuntimeException e) {
                log.warn("deleting state chunk {} of {}: {}", i, workspace, e.getMessage());
            }
        }
    }

    private static StateVersion toVersion(KvEntry entry) {
        JsonNode d = entry.data();
        boolean deleted = d.path("deleted").asBoolean();
        return new StateVersion(
                entry.version(),
                d.path("serial").isNumber() ? d.path("serial").asLong() : null,
                d.path("lineage").isTextual() ? d.path("lineage").asText() : null,
                deleted ? 0 : d.path("size").asLong(),
                deleted ? "" : d.path("sha256").asText(),
                deleted ? "" : d.path("md5").asText(),
                d.path("who").asText(),
                Instant.parse(d.path("when").asText()),
                deleted);
    }

    /** The state gzipped as it is stored (best speed); the bench's baseline compresses with it too. */
    public static byte[] gzip(byte[] content) {
        var out = new ByteArrayOutputStream(Math.max(64, content.length / 4));
        try (var gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] compressed) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(compressed), 64 * 1024)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("decompressing a state", e);
        }
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    public static String md5(byte[] content) {
        return Base64.getEncoder().encodeToString(digest("MD5", content));
    }

    private static byte[] digest(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
