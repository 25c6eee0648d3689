package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.openbao.CasWrite;
import dev.baozi.openbao.KvEntry;
import dev.baozi.openbao.KvV2;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Locks as KV v2 entries ({@code locks/<workspace>}), changed only with check-and-set against
 * the version just read: of two orchestrators racing for a free lock, OpenBao accepts exactly
 * one write. A released lock stays as an entry saying {@code held: false}.
 */
public final class OpenBaoLocker implements Locker {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_VERSIONS = 20;

    private final KvV2 kv;
    private final Clock clock;

    public OpenBaoLocker(KvV2 kv, Clock clock) {
        this.kv = kv;
        this.clock = clock;
    }

    private static String path(WorkspaceName workspace) {
        return "locks/" + workspace.value();
    }

    private record Current(long version, Optional<HeldLock> lock) {}

    /** The lock entry and its version from one read (two reads could straddle another's write). */
    private Current read(WorkspaceName workspace) {
        KvV2.Latest latest = kv.latest(path(workspace));
        Optional<KvEntry> entry = latest.entry();
        if (entry.isEmpty()) {
            return new Current(latest.version(), Optional.empty());
        }
        return parse(workspace, entry.get());
    }

    private static Current parse(WorkspaceName workspace, KvEntry entry) {
        var data = entry.data();
        if (!data.path("held").asBoolean()) {
            return new Current(entry.version(), Optional.empty());
        }
        LockInfo info = JSON.convertValue(data.path("info"), LockInfo.class);
        var lock = new HeldLock(workspace.value(), info, data.path("holder").asText(), Instant.parse(data.path("since").asText()));
        return new Current(entry.version(), Optional.of(lock));
    }

    @Override
    public LockOutcome lock(WorkspaceName workspace, LockInfo info, String holder) {
        while (true) {
            Current current = read(workspace);
            if (current.lock().isPresent()) {
                return new LockOutcome.HeldByOther(current.lock().get());
            }
            var lock = new HeldLock(workspace.value(), info, holder, clock.instant());
            ObjectNode data = JSON.createObjectNode().put("held", true).put("holder", holder).put("since", lock.since().toString());
            data.set("info", JSON.valueToTree(info));
            if (kv.write(path(workspace), data, current.version()) instanceof CasWrite.Written) {
                if (current.version() == 0) {
                    kv.setMaxVersions(path(workspace), KEPT_VERSIONS);
                }
                return new LockOutcome.Acquired(lock);
            }
            // Someone changed the entry between our read and write: look again.
        }
    }

    @Override
    public UnlockOutcome unlock(WorkspaceName workspace, String lockId) {
        return release(workspace, lockId);
    }

    @Override
    public UnlockOutcome forceUnlock(WorkspaceName workspace) {
        return release(workspace, null);
    }

    private UnlockOutcome release(WorkspaceName workspace, String lockId) {
        while (true) {
            Current current = read(workspace);
            if (current.lock().isEmpty()) {
                return new UnlockOutcome.NotLocked();
            }
            HeldLock held = current.lock().get();
            if (lockId != null && !lockId.equals(held.info().id())) {
                return new UnlockOutcome.HeldByOther(held);
            }
            ObjectNode data = JSON.createObjectNode().put("held", false).put("since", clock.instant().toString());
            if (kv.write(path(workspace), data, current.version()) instanceof CasWrite.Written) {
                return new UnlockOutcome.Released(held);
            }
        }
    }

    /**
     * One OpenBao call, on every state write: who holds the lock needs only the entry; a missing
     * (never written or soft-deleted) entry holds nothing. The version, which only a change of the
     * lock needs, is left to {@link #read}.
     */
    @Override
    public Optional<HeldLock> current(WorkspaceName workspace) {
        return kv.read(path(workspace)).flatMap(entry -> parse(workspace, entry).lock());
    }

    @Override
    public List<HeldLock> held() {
        List<HeldLock> locks = new ArrayList<>();
        for (String key : kv.list("locks/")) {
            if (!key.endsWith("/") && WorkspaceName.isValid(key)) {
                current(new WorkspaceName(key)).ifPresent(locks::add);
            }
        }
        return locks;
    }
}
