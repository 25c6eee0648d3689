package dev.baozi.vars.store;

/** How a commit ended: committed, or another writer committed the generator first (nothing of this write is left). */
public sealed interface CommitOutcome {

    record Committed(CommittedManifest manifest) implements CommitOutcome {}

    record Conflict(String message) implements CommitOutcome {}
}
