package dev.baozi.orchestrator.state;

/** What a lock attempt came to. Someone else holding the lock is a result, not an error. */
public sealed interface LockOutcome {
    record Acquired(HeldLock lock) implements LockOutcome {}

    record HeldByOther(HeldLock current) implements LockOutcome {}
}
