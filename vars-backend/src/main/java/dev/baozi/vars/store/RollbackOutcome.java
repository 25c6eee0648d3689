package dev.baozi.vars.store;

import java.util.Map;

/** How a rollback ended: the generator's manifest now names the previous generation's files, or there was none to go back to. */
public sealed interface RollbackOutcome {

    record RolledBack(Map<String, Long> from, Map<String, Long> to, CommittedManifest manifest) implements RollbackOutcome {}

    record NothingToRollBack(String reason) implements RollbackOutcome {}

    record Conflict(String message) implements RollbackOutcome {}
}
