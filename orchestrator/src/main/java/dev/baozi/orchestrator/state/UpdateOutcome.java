package dev.baozi.orchestrator.state;

/** What a state update (write, delete, rollback) came to. Refusals are results, not errors. */
public sealed interface UpdateOutcome {
    /** Stored as a new version. */
    record Accepted(StateVersion version) implements UpdateOutcome {}

    /** The same content as the newest version: nothing new stored (a retried POST). */
    record Unchanged(StateVersion version) implements UpdateOutcome {}

    /** Somebody else holds the workspace lock. */
    record Locked(HeldLock holder) implements UpdateOutcome {}

    /** The caller names a lock that is no longer held (released or force-unlocked meanwhile). */
    record LockNotHeld(String lockId) implements UpdateOutcome {}

    /** The update would lose or corrupt state; {@code reason} says how. Nothing was written. */
    record Refused(String reason) implements UpdateOutcome {}
}
