package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The state backend's rules: lock checks on writes, lineage and serial guards, idempotent
 * retries, versions, rollback, and an audit record for every operation.
 */
public final class StateService {

    private static final ObjectMapper JSON = new ObjectMapper();
    
    private final StateStore store;
    private final AuditRepository audit;
    private final Clock clock;

    public StateService(StateStore store, AuditRepository audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Waits for the work the store queued behind its writes (a clean stop). */
    public void flush() {
        store.flush();
    }

    public Optional<StoredState> current(WorkspaceName ws, Principal who) {
        Optional<StoredState> state = store.read(ws, 0);
        recordRead(ws, who, state.map(StoredState::version));
        return state;
    }

    /** The current state gzip-compressed as stored, for a client that accepts gzip: nothing to decompress here. */
    public Optional<CompressedState> currentCompressed(WorkspaceName ws, Principal who) {
        Optional<CompressedState> state = store.readCompressed(ws, 0);
        recordRead(ws, who, state.map(CompressedState::version));
        return state;
    }

    private void recordRead(WorkspaceName ws, Principal who, Optional<StateVersion> version) {
        audit.record(who.name(), "state.read", ws.value(), version.isPresent() ? "200" : "204",
                version.map(v -> "version " + v.version()).orElse("no state"));
    }

    /** Stores {@code body} as the workspace's state, if the lock and the state's lineage and serial allow it. */
    public UpdateOutcome update(WorkspaceName ws, StateBody body, String lockId, Principal who) {
        StateFacts facts = body.facts();
        String sha256 = body.sha256();
        UpdateOutcome outcome = store.change(ws, head -> {
            UpdateOutcome refused = checkLock(head.lock(), lockId);
            if (refused == null) {
                refused = guard(head.state(), facts, sha256);
            }
            return refused != null ? StateStore.Decision.answer(refused)
                    : StateStore.Decision.write(new StateStore.Change.PutState(body, who.name()),
                            written -> new UpdateOutcome.Accepted(written.state().orElseThrow()));
        }, () -> busy(ws, "write"));
        audit.record(who.name(), "state.write", ws.value(), outcomeText(outcome), detail(outcome, facts));
        return outcome;
    }

    private static UpdateOutcome checkLock(Optional<HeldLock> held, String lockId) {
        if (held.isPresent() && !held.get().info().id().equals(lockId)) {
            return new UpdateOutcome.Locked(held.get());
        }
        if (held.isEmpty() && lockId != null && !lockId.isEmpty()) {
            return new UpdateOutcome.LockNotHeld(lockId);
        }
        return null;
    }

    /** Null when {@code facts} may follow {@code head}; otherwise why not (or that it is a retry). */
    private static UpdateOutcome guard(Optional<StateVersion> head, StateFacts facts, String sha256) {
        if (head.isEmpty() || head.get().deleted()) {
            return null;
        }
        StateVersion h = head.get();
        if (h.sha256().equals(sha256)) {
            return new UpdateOutcome.Unchanged(h);
        }
        if (facts.isOpaque() || h.serial() == null || h.lineage() == null) {
            return null;
        }
        if (!h.lineage().equals(facts.lineage())) {
            return new UpdateOutcome.Refused("the state's lineage " + facts.lineage()
                    + " differs from the stored lineage " + h.lineage() + "; this is a different state, not a newer one");
        }
        if (facts.serial() < h.serial()) {
            return new UpdateOutcome.Refused("the state's serial " + facts.serial()
                    + " is lower than the stored serial " + h.serial() + "; it would overwrite newer state");
        }
        return null;
    }

    public UpdateOutcome delete(WorkspaceName ws, Principal who) {
        UpdateOutcome outcome = store.change(ws, head -> {
            if (head.lock().isPresent()) {
                return StateStore.Decision.answer(new UpdateOutcome.Locked(head.lock().get()));
            }
            if (head.state().isEmpty()) {
                return StateStore.Decision.answer(new UpdateOutcome.Refused("workspace " + ws + " has no state to delete"));
            }
            if (head.state().get().deleted()) {
                return StateStore.Decision.answer(new UpdateOutcome.Unchanged(head.state().get()));
            }
            return StateStore.Decision.write(new StateStore.Change.DeleteState(who.name()),
                    written -> new UpdateOutcome.Accepted(written.state().orElseThrow()));
        }, () -> busy(ws, "delete"));
        audit.record(who.name(), "state.delete", ws.value(), outcomeText(outcome), detail(outcome, null));
        return outcome;
    }

    /**
     * Takes the lock for {@code info}. A LOCK repeated with the ID that holds the lock (OpenTofu
     * retries one whose answer was lost) is answered as taken again.
     */
    public LockOutcome lock(WorkspaceName ws, LockInfo info, Principal who) {
        LockOutcome outcome = store.change(ws, head -> {
            if (head.lock().isPresent()) {
                HeldLock held = head.lock().get();
                return StateStore.Decision.answer(held.info().id().equals(info.id())
                        ? new LockOutcome.Acquired(held) : new LockOutcome.HeldByOther(held));
            }
            var lock = new HeldLock(ws.value(), info, who.name(), clock.instant());
            return StateStore.Decision.write(new StateStore.Change.TakeLock(lock), written -> new LockOutcome.Acquired(lock));
        }, () -> busy(ws, "lock"));
        String detail = switch (outcome) {
            case LockOutcome.Acquired a -> "lock " + info.id() + " for " + info.operation();
            case LockOutcome.HeldByOther h -> "held by lock " + h.current().info().id() + " of " + h.current().holder();
        };
        audit.record(who.name(), "state.lock", ws.value(), outcome instanceof LockOutcome.Acquired ? "200" : "423", detail);
        return outcome;
    }

    /** Releases the lock {@code lockId}; with no ID, whoever holds it (tofu force-unlock). */
    public UnlockOutcome unlock(WorkspaceName ws, String lockId, Principal who) {
        UnlockOutcome outcome = release(ws, lockId);
        recordUnlock(ws, lockId == null ? "state.force-unlock" : "state.unlock", outcome, who);
        return outcome;
    }

    /** The admin API's force-unlock. */
    public UnlockOutcome forceUnlock(WorkspaceName ws, Principal who) {
        UnlockOutcome outcome = release(ws, null);
        recordUnlock(ws, "lock.force-unlock", outcome, who);
        return outcome;
    }

    private UnlockOutcome release(WorkspaceName ws, String lockId) {
        return store.change(ws, head -> {
            if (head.lock().isEmpty()) {
                return StateStore.Decision.answer(new UnlockOutcome.NotLocked());
            }
            HeldLock held = head.lock().get();
            if (lockId != null && !lockId.equals(held.info().id())) {
                return StateStore.Decision.answer(new UnlockOutcome.HeldByOther(held));
            }
            return StateStore.Decision.write(new StateStore.Change.ReleaseLock(), written -> new UnlockOutcome.Released(held));
        }, () -> busy(ws, "unlock"));
    }

    private void recordUnlock(WorkspaceName ws, String action, UnlockOutcome outcome, Principal who) {
        switch (outcome) {
            case UnlockOutcome.Released r -> audit.record(who.name(), action, ws.value(), "200",
                    "released lock " + r.released().info().id() + " of " + r.released().holder());
            case UnlockOutcome.NotLocked n -> audit.record(who.name(), action, ws.value(), "200", "was not locked");
            case UnlockOutcome.HeldByOther h -> audit.record(who.name(), action, ws.value(), "423",
                    "held by lock " + h.current().info().id() + " of " + h.current().holder());
        }
    }

    /**
     * The state stored under {@code workspace} described in a few words, or empty when there is
     * none (or only a deletion): asked before a workspace of that name is created.
     */
    public Optional<String> describeExisting(String workspace) {
        if (!WorkspaceName.isValid(workspace)) {
            return Optional.empty();
        }
        return store.head(new WorkspaceName(workspace)).state().filter(v -> !v.deleted())
                .map(v -> "version " + v.version() + ", written by " + v.who() + " at " + v.when());
    }

    public Optional<HeldLock> lockOf(WorkspaceName ws) {
        return store.head(ws).lock();
    }

    public List<HeldLock> locks() {
        return store.locks();
    }

    public List<StateVersion> versions(WorkspaceName ws, Principal who) {
        List<StateVersion> versions = store.versions(ws);
        audit.record(who.name(), "state.versions", ws.value(), "200", versions.size() + " versions");
        return versions;
    }

    public Optional<StoredState> version(WorkspaceName ws, long version, Principal who) {
        Optional<StoredState> state = version < 1 ? Optional.empty() : store.read(ws, version);
        audit.record(who.name(), "state.read-version", ws.value(), state.isPresent() ? "200" : "404", "version " + version);
        return state;
    }

    /** Resource changes from version {@code from} to version {@code to}; empty when either is missing. */
    public Optional<StateDiff> diff(WorkspaceName ws, long from, long to, Principal who) {
        Optional<StoredState> a = from < 1 ? Optional.empty() : store.read(ws, from);
        Optional<StoredState> b = to < 1 ? Optional.empty() : store.read(ws, to);
        audit.record(who.name(), "state.diff", ws.value(), a.isPresent() && b.isPresent() ? "200" : "404",
                "versions " + from + " and " + to);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(StateDiff.between(from, a.get().content(), to, b.get().content()));
    }

    /**
     * Writes version {@code version}'s content again as the newest version, its serial raised
     * above the current one so tofu accepts it as newer.
     */
    public UpdateOutcome rollback(WorkspaceName ws, long version, Principal who) {
        UpdateOutcome outcome = rollbackOutcome(ws, version, who);
        audit.record(who.name(), "state.rollback", ws.value(), outcomeText(outcome), "to version " + version + ": "
                + detail(outcome, null));
        return outcome;
    }

    private UpdateOutcome rollbackOutcome(WorkspaceName ws, long version, Principal who) {
        Optional<StoredState> old = version < 1 ? Optional.empty() : store.read(ws, version);
        if (old.isEmpty()) {
            return new UpdateOutcome.Refused("workspace " + ws + " has no retained version " + version);
        }
        if (StateFacts.of(old.get().content()).isOpaque()) {
            return new UpdateOutcome.Refused("version " + version + " is encrypted client-side; Baozi cannot raise its serial");
        }
        return store.change(ws, head -> {
            if (head.lock().isPresent()) {
                return StateStore.Decision.answer(new UpdateOutcome.Locked(head.lock().get()));
            }
            long serial = head.state().map(StateVersion::serial).filter(Objects::nonNull).orElse(0L) + 1;
            byte[] content = withSerial(old.get().content(), serial);
            return StateStore.Decision.write(new StateStore.Change.PutState(StateBody.of(content), who.name()),
                    written -> new UpdateOutcome.Accepted(written.state().orElseThrow()));
        }, () -> busy(ws, "rollback"));
    }

    private static byte[] withSerial(byte[] content, long serial) {
        try {
            JsonNode tree = JSON.readTree(content);
            ((ObjectNode) tree).put("serial", serial);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("re-serialising a stored state", e);
        }
    }

    /** Thrown when other writers kept winning the race for the head of {@code ws}. */
    private static <T> T busy(WorkspaceName ws, String what) {
        throw new StateBusyException("the state of " + ws + " kept changing under this " + what
                + " (other writers won every attempt for several seconds); nothing was changed, retry");
    }

    private static String outcomeText(UpdateOutcome outcome) {
        return switch (outcome) {
            case UpdateOutcome.Accepted a -> "200";
            case UpdateOutcome.Unchanged u -> "200";
            case UpdateOutcome.Locked l -> "423";
            case UpdateOutcome.LockNotHeld n -> "409";
            case UpdateOutcome.Refused r -> "409";
        };
    }

    private static String detail(UpdateOutcome outcome, StateFacts facts) {
        return switch (outcome) {
            case UpdateOutcome.Accepted a -> "version " + a.version().version()
                    + (facts == null || facts.isOpaque() ? "" : ", serial " + facts.serial());
            case UpdateOutcome.Unchanged u -> "unchanged (version " + u.version().version() + ")";
            case UpdateOutcome.Locked l -> "locked by " + l.holder().info().id() + " of " + l.holder().holder();
            case UpdateOutcome.LockNotHeld n -> "lock " + n.lockId() + " is not held";
            case UpdateOutcome.Refused r -> r.reason();
        };
    }
}
