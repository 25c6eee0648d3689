package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a workspace's state, its versions and its lock live. The lock and the current state are
 * one record (the head): every change of either is decided by a {@link Rule} against the head and
 * made with one atomic write that fails if the head moved meanwhile; then the rule decides again
 * against the head as it is now. So no change can pass a lock its rule has not seen.
 */
public interface StateStore {

    /** The head as stored now. */
    StateHead head(WorkspaceName workspace);

    /** The content of {@code version} (0: the newest); empty when that version is a deletion or no longer retained. */
    Optional<StoredState> read(WorkspaceName workspace, long version);

    /** As {@link #read}, but the content gzip-compressed (RFC 1952), not decompressed here. */
    Optional<CompressedState> readCompressed(WorkspaceName workspace, long version);

    /** The retained state versions, newest first; lock changes are not versions. */
    List<StateVersion> versions(WorkspaceName workspace);

    /** Every lock held on any workspace. */
    List<HeldLock> locks();

    /**
     * Applies {@code rule}: it decides against the head (first the one this process saw last, which
     * may be stale), either to answer without a change or to make one; a change is written only if
     * the head is still the one decided against, otherwise the rule decides again against the
     * head read afresh. An answer decided against a head that was not read afresh is decided
     * again against a fresh one. {@code contended} answers when the head kept moving.
     */
    <R> R change(WorkspaceName workspace, Rule<R> rule, Supplier<R> contended);

    /** Waits for work a store queued behind its writes (copies, clean-up); a clean stop calls it. */
    default void flush() {}

    /** Decides what to do with a workspace's head. Called again (with a newer head) when a write lost a race. */
    @FunctionalInterface
    interface Rule<R> {
        Decision<R> decide(StateHead head);
    }

    /** A rule's decision: an answer with nothing written, or a change and how to answer once it is written. */
    sealed interface Decision<R> {
        record Answer<R>(R result) implements Decision<R> {}

        record Write<R>(Change change, Function<StateHead, R> result) implements Decision<R> {}

        static <R> Decision<R> answer(R result) {
            return new Answer<>(result);
        }

        static <R> Decision<R> write(Change change, Function<StateHead, R> result) {
            return new Write<>(change, result);
        }
    }

    /** A change of the head. */
    sealed interface Change {
        /** {@code body} becomes the next state version; the lock stays as it is. */
        record PutState(StateBody body, String who) implements Change {}

        /** A deletion becomes the next state version: the state is gone, its earlier versions stay. */
        record DeleteState(String who) implements Change {}

        /** {@code lock} becomes the lock (the state stays). */
        record TakeLock(HeldLock lock) implements Change {}

        /** The lock is released (the state stays). */
        record ReleaseLock() implements Change {}
    }
}
