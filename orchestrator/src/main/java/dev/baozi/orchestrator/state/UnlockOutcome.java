package dev.baozi.orchestrator.state;

/** What an unlock attempt came to. */
public sealed interface UnlockOutcome {
    record Released(HeldLock released) implements UnlockOutcome {}

    record NotLocked() implements UnlockOutcome {}

    record HeldByOther(HeldLock current) implements UnlockOutcome {}
}
