package dev.baozi.orchestrator.state;

import java.util.Optional;

/** A workspace's head as a rule sees it: the newest state version (a deletion too) and the lock, if any. */
public record StateHead(Optional<StateVersion> state, Optional<HeldLock> lock) {

    public static final StateHead EMPTY = new StateHead(Optional.empty(), Optional.empty());
}
