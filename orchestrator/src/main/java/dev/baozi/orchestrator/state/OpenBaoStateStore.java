package dev.baozi.orchestrator.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.openbao.CasWrite;
import dev.baozi.openbao.KvEntry;
import dev.baozi.openbao.KvMetadata;
import dev.baozi.openbao.KvV2;
import dev.baozi.orchestrator.workspace.WorkspaceName;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * States and locks in OpenBao KV v2, one record per workspace: the head {@code states/<ws>/head}.
 * Each KV version of the head holds
 * <ul>
 *   <li>{@code lock}: the lock ({@code info}, {@code holder}, {@code since}) or null;</li>
 *   <li>{@code state}: the newest state version's record: its number, facts and digests, who and
 *       when, and its content gzip-compressed, inline as base64 up to 384 KiB, otherwise as
 *       {@code generation} and {@code chunks} naming 512 KiB chunks
 *       {@code states/<ws>/blobs/<generation>/<i>} written before the head; sealed with transit
 *       when {@code state.encryption} is on, {@code key} naming the wrapped data key;</li>
 *   <li>{@code history}: the retained state versions, newest first, each {@code [version, where]}
 *       (plus {@code generation, chunks} for a chunked one), where is the head's KV version that
 *       wrote it, -2 or less when it is in the log, 0 when it was moved to
 *       {@code states/<ws>/archive/<version>}, -1 when it is a KV version of the old layout's
 *       {@code states/<ws>/current}.</li>
 * </ul>
 * A LOCK, UNLOCK or state write is one check-and-set write of the head, so the lock a write was
 * decided against is the lock it is written under. Lock changes are KV versions of the head but
 * not state versions: the history names the state versions. OpenBao keeps only {@link #WINDOW} KV
 * versions of the head, because KV v2 reads and rewrites a key's whole version list on every
 * read and write (on the dev server a write at 316 versions cost twice one at 10). So each state
 * version is copied to the workspace's log {@code states/<ws>/log} (whose KV versions are state
 * records; OpenBao keeps retention + {@value #LOG_SLACK} of them) behind the write that made it,
 * off the request, and the next write of the head names the copy: {@code where} is then -1 minus
 * the log's KV version. A copy lost in a crash is made by the write that would push the version
 * out of the head's window. {@code where} 0 names {@code states/<ws>/archive/<version>}, where the
 * store before the log copied such versions; they are read and removed as before.
 * A state version leaving the retention loses its chunks (and archive entry) behind the write;
 * {@link #flush} waits for that work. A crash between a write and that clean-up can leave the
 * chunks of a version that just left the retention (never one that is retained).
 * <p>
 * Workspaces written by the earlier layout (pointer {@code states/<ws>/current}, lock
 * {@code locks/<ws>}) are read as they are and converted by their first change: the head starts
 * with that lock, state and history; the old versions are read from where they are until they
 * leave the retention.
 */
public final class OpenBaoStateStore implements StateStore {

    static final int CHUNK_BYTES = 512 * 1024;
    static final int INLINE_BYTES = 384 * 1024;
    static final int FORMAT = 2;
    /** How long a change keeps deciding again while other writers win the head (then its {@code contended} answers). */
    private static final long PATIENCE_NANOS = 5_000_000_000L;
    /**
     * The first KV version of a head written only after its window is set. KV v2 keeps ten
     * versions of a key unless its mount says otherwise; the mount Baozi uses must keep at least
     * that many (docs/state-backend.md).
     */
    static final long WINDOW_FROM = 8;
    private static final long ARCHIVED = 0;
    private static final long LEGACY = -1;
    /** How many KV versions of the log OpenBao keeps beyond the retention (room for a copy made twice). */
    static final int LOG_SLACK = 8;
    private static final Logger log = LoggerFactory.getLogger(OpenBaoStateStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Virtual threads for reads and writes that run side by side; nothing to shut down. */
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

    private final KvV2 kv;
    private final StateSealer sealer;
    private final Clock clock;
    private final int retention;
    /** How many KV versions of a head OpenBao keeps: few, so a write and a read of the head stay cheap. */
    static final int WINDOW = 12;
    private final HeadCache cache;
    private final Set<String> windowSet = ConcurrentHashMap.newKeySet();
    /** State versions (workspace/version) copied to the log behind a write, not yet named there by a head: their log version. */
    private final Map<String, Long> copied = new ConcurrentHashMap<>();
    private final Set<String> logWindowSet = ConcurrentHashMap.newKeySet();
    /** Per workspace, the last piece of work queued behind its writes (copies, removals), run in order. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> behind = new ConcurrentHashMap<>();
    /** Workspaces known to have nothing in the earlier layout (nothing writes it any more). */
    private final Set<String> noLegacy = ConcurrentHashMap.newKeySet();

    /** A store keeping states unsealed (and opening none that is sealed). */
    public OpenBaoStateStore(KvV2 kv, Clock clock, int retention) {
        this(kv, clock, retention, StateSealer.NONE);
    }

    /** A store sealing states with {@code sealer} before they are stored. */
    public OpenBaoStateStore(KvV2 kv, Clock clock, int retention, StateSealer sealer) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1");
        }
        this.kv = kv;
        this.sealer = sealer;
        this.clock = clock;
        this.retention = retention;
        this.cache = new HeadCache(HeadCache.DEFAULT_BUDGET);
    }

    static String headPath(WorkspaceName ws) {
        return "states/" + ws.value() + "/head";
    }

    static String archivePath(WorkspaceName ws, long version) {
        return "states/" + ws.value() + "/archive/" + version;
    }

    static String logPath(WorkspaceName ws) {
        return "states/" + ws.value() + "/log";
    }

    /** The {@code where} of a state version at KV version {@code logVersion} (1, 2, …) of the log: -2, -3, …. */
    static long inLog(long logVersion) {
        return -1 - logVersion;
    }

    static String legacyPath(WorkspaceName ws) {
        return "states/" + ws.value() + "/current";
    }

    static String legacyLockPath(WorkspaceName ws) {
        return "locks/" + ws.value();
    }

    static String chunkPath(WorkspaceName ws, String generation, int index) {
        return "states/" + ws.value() + "/blobs/" + generation + "/" + index;
    }

    /** A head as read or written: its KV version (0: none yet), its record (null: none), and whether it came from the earlier layout. */
    record Stored(long revision, ObjectNode record, boolean legacy) {
        static final Stored NONE = new Stored(0, null, false);

        JsonNode state() {
            return record == null ? null : nonNull(record.get("state"));
        }

        JsonNode lock() {
            return record == null ? null : nonNull(record.get("lock"));
        }

        List<ArrayNode> history() {
            List<ArrayNode> entries = new ArrayList<>();
            if (record != null) {
                record.path("history").forEach(e -> entries.add((ArrayNode) e));
            }
            return entries;
        }

        /** Roughly how many bytes this record holds in memory. */
        long weight() {
            JsonNode state = state();
            return 1024 + (state == null ? 0 : 2L * state.path("inline").asText("").length());
        }

        private static JsonNode nonNull(JsonNode node) {
            return node == null || node.isNull() ? null : node;
        }
    }

    // ---- reads ----

    @Override
    public StateHead head(WorkspaceName workspace) {
        return view(workspace, fresh(workspace));
    }

    /** The head as OpenBao has it now (remembered for the next change). */
    private Stored fresh(WorkspaceName ws) {
        KvV2.Latest latest = kv.latest(headPath(ws));
        if (latest.entry().isPresent() && latest.entry().get().data() instanceof ObjectNode record) {
            Stored stored = new Stored(latest.version(), record, false);
            cache.remember(ws.value(), stored);
            return stored;
        }
        if (latest.version() > 0 || noLegacy.contains(ws.value())) {
            Stored none = new Stored(latest.version(), null, false);
            cache.remember(ws.value(), none); // a LOCK right after a GET that found nothing writes at once
            return none;
        }
        Stored legacy = legacyHead(ws);
        if (legacy == null) {
            noLegacy.add(ws.value());
            cache.remember(ws.value(), Stored.NONE);
            return Stored.NONE;
        }
        return legacy;
    }

    private StateHead view(WorkspaceName ws, Stored stored) {
        JsonNode state = stored.state();
        JsonNode lock = stored.lock();
        return new StateHead(state == null ? Optional.empty() : Optional.of(toVersion(state)),
                lock == null ? Optional.empty() : Optional.of(toLock(ws, lock)));
    }

    @Override
    public Optional<StoredState> read(WorkspaceName workspace, long version) {
        return readCompressed(workspace, version).map(stored -> {
            byte[] content = gunzip(stored.gzip());
            if (!stored.version().sha256().equals(sha256(content))) {
                throw new IllegalStateException("state " + workspace + " version " + stored.version().version()
                        + " does not match its sha256");
            }
            return new StoredState(stored.version(), content);
        });
    }

    @Override
    public Optional<CompressedState> readCompressed(WorkspaceName workspace, long version) {
        Stored head = fresh(workspace);
        JsonNode state = version == 0 ? head.state() : stateRecord(workspace, head, version);
        if (state == null || state.path("deleted").asBoolean()) {
            return Optional.empty();
        }
        return Optional.of(new CompressedState(toVersion(state), content(workspace, state)));
    }

    /** The record of retained state version {@code version}, wherever it is; null when it is not retained. */
    private JsonNode stateRecord(WorkspaceName ws, Stored head, long version) {
        JsonNode current = head.state();
        if (current != null && current.path("version").asLong() == version) {
            return current;
        }
        for (ArrayNode entry : head.history()) {
            if (entry.get(0).asLong() == version) {
                return locate(ws, entry);
            }
        }
        return null;
    }

    /** The state record a history entry names; null when it is gone. */
    private JsonNode locate(WorkspaceName ws, ArrayNode entry) {
        long version = entry.get(0).asLong();
        long where = entry.get(1).asLong();
        if (where > 0) {
            return kv.read(headPath(ws), where).map(e -> e.data().get("state"))
                    .filter(s -> s != null && s.path("version").asLong() == version).orElse(null);
        }
        if (where == ARCHIVED) {
            return kv.read(archivePath(ws, version)).map(KvEntry::data).orElse(null);
        }
        if (where < LEGACY) {
            return kv.read(logPath(ws), -1 - where).map(KvEntry::data)
                    .filter(s -> s.path("version").asLong() == version).orElse(null);
        }
        return kv.read(legacyPath(ws), version).map(e -> legacyState(e.data(), version)).orElse(null);
    }

    /** The gzip bytes of a state record: inline, or its chunks read side by side; opened when sealed. */
    private byte[] content(WorkspaceName ws, JsonNode state) {
        return sealer.open(stored(ws, state), state.hasNonNull("key") ? state.path("key").asText() : null, ws.value());
    }

    /** The bytes of a state record as stored: inline, or its chunks read side by side. */
    private byte[] stored(WorkspaceName ws, JsonNode state) {
        if (state.hasNonNull("inline")) {
            return Base64.getDecoder().decode(state.path("inline").asText());
        }
        String generation = state.path("generation").asText();
        List<Callable<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < state.path("chunks").asInt(); i++) {
            String path = chunkPath(ws, generation, i);
            reads.add(() -> Base64.getDecoder().decode(kv.read(path).orElseThrow(() ->
                    new IllegalStateException("state chunk " + path + " is missing from OpenBao")).data().path("b").asText()));
        }
        var gzip = new ByteArrayOutputStream(reads.size() * CHUNK_BYTES);
        inParallel(reads).forEach(gzip::writeBytes);
        return gzip.toByteArray();
    }

    @Override
    public List<StateVersion> versions(WorkspaceName workspace) {
        Stored head = fresh(workspace);
        JsonNode current = head.state();
        List<Callable<JsonNode>> reads = new ArrayList<>();
        for (ArrayNode entry : head.history()) {
            if (current != null && entry.get(0).asLong() == current.path("version").asLong()) {
                reads.add(() -> current);
            } else {
                reads.add(() -> locate(workspace, entry));
            }
        }
        List<StateVersion> versions = new ArrayList<>();
        for (JsonNode state : inParallel(reads)) {
            if (state != null) {
                versions.add(toVersion(state));
            }
        }
        return versions;
    }

    @Override
    public List<HeldLock> locks() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : kv.list("states/")) {
            if (key.endsWith("/")) {
                names.add(key.substring(0, key.length() - 1));
            }
        }
        for (String key : kv.list("locks/")) {
            if (!key.endsWith("/")) {
                names.add(key);
            }
        }
        List<Callable<Optional<HeldLock>>> reads = new ArrayList<>();
        for (String name : names) {
            if (WorkspaceName.isValid(name)) {
                reads.add(() -> head(new WorkspaceName(name)).lock());
            }
        }
        List<HeldLock> locks = new ArrayList<>();
        inParallel(reads).forEach(lock -> lock.ifPresent(locks::add));
        return locks;
    }

    // ---- changes ----

    /** A state's content made ready to be named by a head: compressed, and cut into written chunks when large. */
    private record Prepared(String inline, String generation, int chunks, String key) {}

    @Override
    public <R> R change(WorkspaceName workspace, Rule<R> rule, Supplier<R> contended) {
        Stored head = cache.get(workspace.value());
        boolean fresh = head == null;
        if (fresh) {
            head = fresh(workspace);
        }
        Prepared prepared = null;
        boolean kept = false;
        try {
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            for (int attempt = 0; attempt < 4 || System.nanoTime() < deadline; attempt++) {
                Decision<R> decision = rule.decide(view(workspace, head));
                if (decision instanceof Decision.Answer<R> answer) {
                    if (fresh) {
                        return answer.result();
                    }
                    head = fresh(workspace); // decided on what this process saw last: check against OpenBao
                    fresh = true;
                    continue;
                }
                var write = (Decision.Write<R>) decision;
                if (write.change() instanceof Change.PutState put && prepared == null) {
                    prepared = prepare(workspace, put.body());
                }
                Next next = next(workspace, head, write.change(), prepared);
                applyWindow(workspace, head.revision() + 1);
                if (kv.write(headPath(workspace), next.record(), head.revision()) instanceof CasWrite.Written written) {
                    kept = write.change() instanceof Change.PutState;
                    Stored now = new Stored(written.version(), next.record(), false);
                    cache.remember(workspace.value(), now);
                    afterWrite(workspace, head, next);
                    if (write.change() instanceof Change.PutState || write.change() instanceof Change.DeleteState) {
                        copyBehind(workspace, next.record().get("state"));
                    }
                    return write.result().apply(view(workspace, now));
                }
                if (attempt >= 2) { // writers in step with this one: a random pause breaks the rhythm
                    pause(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, Math.min(attempt, 20) + 1));
                }
                head = fresh(workspace); // another change came first: decide again against it
                fresh = true;
            }
            return contended.get();
        } catch (RuntimeException e) {
            cache.forget(workspace.value());
            throw e;
        } finally {
            if (prepared != null && !kept) {
                deleteChunks(workspace, prepared.generation(), prepared.chunks());
            }
        }
    }

    /** The record to write after {@code head}, and the history entries it lets go. */
    private record Next(ObjectNode record, List<ArrayNode> dropped, boolean legacyLeft) {}

    private Next next(WorkspaceName ws, Stored head, Change change, Prepared prepared) {
        long revision = head.revision() + 1;
        JsonNode lock = head.lock();
        JsonNode state = head.state();
        List<ArrayNode> history = new ArrayList<>();
        head.history().forEach(e -> history.add(e.deepCopy()));
        long version = (state != null ? state.path("version").asLong()
                : history.isEmpty() ? 0 : history.getFirst().get(0).asLong()) + 1;
        switch (change) {
            case Change.TakeLock take -> lock = lockRecord(take.lock());
            case Change.ReleaseLock release -> lock = null;
            case Change.PutState put -> {
                state = stateRecord(version, put.body(), put.who(), prepared);
                ArrayNode entry = JSON.createArrayNode().add(version).add(revision);
                if (prepared.generation() != null) {
                    entry.add(prepared.generation()).add(prepared.chunks());
                }
                history.addFirst(entry);
            }
            case Change.DeleteState delete -> {
                state = JSON.createObjectNode().put("version", version).put("deleted", true)
                        .put("who", delete.who()).put("when", clock.instant().toString());
                history.addFirst(JSON.createArrayNode().add(version).add(revision));
            }
        }
        List<ArrayNode> dropped = new ArrayList<>();
        while (history.size() > retention) {
            dropped.add(history.removeLast());
        }
        // A state version copied to the log behind an earlier write is named there from now on.
        for (ArrayNode entry : history) {
            Long logged = entry.get(1).asLong() > 0 ? copied.get(copyKey(ws, entry.get(0).asLong())) : null;
            if (logged != null) {
                entry.set(1, inLog(logged));
            }
        }
        // A state version whose KV version would leave the head's window with this write moves to its archive entry first.
        for (ArrayNode entry : history) {
            long where = entry.get(1).asLong();
            if (where > 0 && where < revision && where <= revision - WINDOW + 1) {
                archive(ws, entry);
            }
        }
        ObjectNode record = JSON.createObjectNode().put("format", FORMAT);
        record.set("lock", lock == null ? JSON.nullNode() : lock);
        record.set("state", state == null ? JSON.nullNode() : state);
        ArrayNode entries = record.putArray("history");
        history.forEach(entries::add);
        boolean legacyLeft = history.stream().anyMatch(e -> e.get(1).asLong() == LEGACY);
        return new Next(record, dropped, legacyLeft);
    }

    private void archive(WorkspaceName ws, ArrayNode entry) {
        JsonNode state = locate(ws, entry);
        if (state == null) {
            log.error("state {} version {} left OpenBao before it could be archived", ws, entry.get(0).asLong());
            return;
        }
        entry.set(1, inLog(log(ws, (ObjectNode) state)));
    }

    /** Appends a state record to the workspace's log; its KV version there. */
    private long log(WorkspaceName ws, ObjectNode state) {
        if (!logWindowSet.contains(ws.value())) {
            kv.setMaxVersions(logPath(ws), retention + LOG_SLACK);
            logWindowSet.add(ws.value());
        }
        return kv.put(logPath(ws), state);
    }

    /**
     * Sets the head's KV window once per workspace and process (so a changed retention setting
     * takes effect), before writing KV version {@value #WINDOW_FROM} or later. Until then KV v2
     * keeps every version anyway (its default is ten), so a new workspace's first changes are one
     * call each instead of two.
     */
    private void applyWindow(WorkspaceName ws, long revision) {
        if (revision >= WINDOW_FROM && !windowSet.contains(ws.value())) {
            kv.setMaxVersions(headPath(ws), WINDOW);
            windowSet.add(ws.value());
        }
    }

    /**
     * Behind the write: forgets the copies the written head now names, and removes what it no longer
     * names (archive entries and chunks of versions out of the retention, the earlier layout).
     */
    private void afterWrite(WorkspaceName ws, Stored before, Next next) {
        next.record().path("history").forEach(entry -> {
            if (entry.get(1).asLong() < LEGACY) {
                copied.remove(copyKey(ws, entry.get(0).asLong()));
            }
        });
        for (ArrayNode entry : next.dropped()) {
            long version = entry.get(0).asLong();
            copied.remove(copyKey(ws, version));
            behind(ws, "removing version " + version + " after it left the retention", () -> {
                copied.remove(copyKey(ws, version)); // a copy queued before the version left is done by now
                long where = entry.get(1).asLong();
                if (entry.size() >= 4) {
                    deleteChunks(ws, entry.get(2).asText(), entry.get(3).asInt());
                } else if (where == LEGACY) {
                    kv.read(legacyPath(ws), version).filter(e -> e.data().hasNonNull("generation"))
                            .ifPresent(e -> deleteChunks(ws, e.data().path("generation").asText(), e.data().path("chunks").asInt()));
                }
                if (where == ARCHIVED) { // the log needs nothing: OpenBao drops its old versions
                    kv.deleteAll(archivePath(ws, version));
                }
            });
        }
        boolean legacyLockLeft = before.legacy();
        boolean legacyGone = !next.legacyLeft() && next.dropped().stream().anyMatch(e -> e.get(1).asLong() == LEGACY);
        if (legacyLockLeft || legacyGone) {
            behind(ws, "removing the earlier layout", () -> {
                if (legacyLockLeft) {
                    kv.deleteAll(legacyLockPath(ws));
                }
                if (legacyGone) {
                    kv.deleteAll(legacyPath(ws));
                }
            });
        }
    }

    /**
     * Copies a state version's record to the workspace's log behind the write that made it, so
     * the head's KV window can stay small: the next write of the head names the copy instead of
     * its own KV version. A copy lost in a crash is made by the write that would push the version
     * out of the window ({@link #next}).
     */
    private void copyBehind(WorkspaceName ws, JsonNode state) {
        long version = state.path("version").asLong();
        behind(ws, "copying version " + version + " to the log", () -> copied.put(copyKey(ws, version), log(ws, (ObjectNode) state)));
    }

    private static String copyKey(WorkspaceName ws, long version) {
        return ws.value() + "/" + version;
    }

    /** Runs {@code task} after the work queued behind earlier writes of {@code ws}, off the request; a failure is logged. */
    private void behind(WorkspaceName ws, String what, Runnable task) {
        CompletableFuture<Void> queued = behind.compute(ws.value(), (name, tail) ->
                (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail).thenRunAsync(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn("state {}: {}: {}", ws, what, e.getMessage());
                    }
                }, CALLS));
        queued.whenComplete((ignored, e) -> behind.remove(ws.value(), queued));
    }

    /** Waits for the work queued behind the writes made so far (a clean stop, tests). */
    @Override
    public void flush() {
        CompletableFuture.allOf(behind.values().toArray(CompletableFuture[]::new)).join();
    }

    /** Compresses {@code body}; content too large to be inline goes to chunks under a fresh generation, written side by side. */
    private Prepared prepare(WorkspaceName ws, StateBody body) {
        StateSealer.Sealed sealed = sealer.seal(gzip(body.content()), ws.value());
        byte[] compressed = sealed.bytes();
        if (compressed.length <= INLINE_BYTES) {
            return new Prepared(Base64.getEncoder().encodeToString(compressed), null, 0, sealed.keyRef());
        }
        String generation = UUID.randomUUID().toString();
        int chunks = (compressed.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        List<Callable<Long>> writes = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            String path = chunkPath(ws, generation, i);
            int from = i * CHUNK_BYTES;
            int length = Math.min(compressed.length, from + CHUNK_BYTES) - from;
            writes.add(() -> kv.put(path, JSON.createObjectNode().put("b", base64(compressed, from, length))));
        }
        try {
            inParallel(writes);
        } catch (RuntimeException e) {
            deleteChunks(ws, generation, chunks);
            throw e;
        }
        return new Prepared(null, generation, chunks, sealed.keyRef());
    }

    private ObjectNode stateRecord(long version, StateBody body, String who, Prepared prepared) {
        StateFacts facts = body.facts();
        ObjectNode state = JSON.createObjectNode().put("version", version);
        if (facts.isOpaque()) {
            state.putNull("serial").putNull("lineage");
        } else {
            state.put("serial", facts.serial()).put("lineage", facts.lineage());
        }
        state.put("size", body.content().length).put("sha256", body.sha256()).put("md5", body.md5())
                .put("who", who).put("when", clock.instant().toString());
        if (prepared.inline() != null) {
            state.put("inline", prepared.inline());
        } else {
            state.put("generation", prepared.generation()).put("chunks", prepared.chunks());
        }
        if (prepared.key() != null) {
            state.put("key", prepared.key());
        }
        return state;
    }

    private static ObjectNode lockRecord(HeldLock lock) {
        ObjectNode node = JSON.createObjectNode();
        node.set("info", JSON.valueToTree(lock.info()));
        return node.put("holder", lock.holder()).put("since", lock.since().toString());
    }

    private static HeldLock toLock(WorkspaceName ws, JsonNode lock) {
        return new HeldLock(ws.value(), JSON.convertValue(lock.path("info"), LockInfo.class), lock.path("holder").asText(),
                Instant.parse(lock.path("since").asText()));
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateBusyException("interrupted while waiting to change a workspace's head");
        }
    }

    // ---- the earlier layout ----

    /** The head of a workspace written by the earlier layout, as this layout would hold it; null when there is nothing. */
    private Stored legacyHead(WorkspaceName ws) {
        KvV2.Latest current = kv.latest(legacyPath(ws));
        Optional<KvEntry> lock = kv.read(legacyLockPath(ws));
        if (current.version() == 0 && lock.isEmpty()) {
            return null;
        }
        ObjectNode record = JSON.createObjectNode().put("format", FORMAT);
        JsonNode held = lock.map(KvEntry::data).filter(d -> d.path("held").asBoolean()).orElse(null);
        if (held != null) {
            record.set("lock", JSON.createObjectNode().<ObjectNode>set("info", held.path("info"))
                    .put("holder", held.path("holder").asText()).put("since", held.path("since").asText()));
        } else {
            record.putNull("lock");
        }
        record.set("state", current.entry().map(e -> (JsonNode) legacyState(e.data(), e.version())).orElse(JSON.nullNode()));
        ArrayNode history = record.putArray("history");
        if (current.version() > 0) {
            Optional<KvMetadata> metadata = kv.metadata(legacyPath(ws));
            if (metadata.isPresent()) {
                for (var v : metadata.get().versions().descendingMap().entrySet()) {
                    if (v.getValue().state() == KvMetadata.VersionState.LIVE && history.size() < retention) {
                        history.add(JSON.createArrayNode().add(v.getKey()).add(LEGACY));
                    }
                }
            }
        }
        return new Stored(0, record, true);
    }

    private static ObjectNode legacyState(JsonNode data, long version) {
        ObjectNode state = ((ObjectNode) data).deepCopy();
        state.remove("last_chunked");
        return state.put("version", version);
    }

    // ---- helpers ----

    private static StateVersion toVersion(JsonNode d) {
        boolean deleted = d.path("deleted").asBoolean();
        return new StateVersion(
                d.path("version").asLong(),
                d.path("serial").isNumber() ? d.path("serial").asLong() : null,
                d.path("lineage").isTextual() ? d.path("lineage").asText() : null,
                deleted ? 0 : d.path("size").asLong(),
                deleted ? "" : d.path("sha256").asText(),
                deleted ? "" : d.path("md5").asText(),
                d.path("who").asText(),
                Instant.parse(d.path("when").asText()),
                deleted);
    }

    /**
     * Runs {@code calls} side by side on virtual threads and returns their results in order. Every
     * call has ended when this returns or throws (so a cleanup after a failure cannot race a write
     * still on its way); the first failure is thrown.
     */
    private static <T> List<T> inParallel(List<Callable<T>> calls) {
        if (calls.size() <= 1) {
            try {
                return calls.isEmpty() ? List.of() : java.util.Collections.singletonList(calls.getFirst().call());
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
                kv.deleteAll(chunkPath(workspace, generation, i));
            } catch (RuntimeException e) {
                log.warn("deleting state chunk {} of {}: {}", i, workspace, e.getMessage());
            }
        }
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
