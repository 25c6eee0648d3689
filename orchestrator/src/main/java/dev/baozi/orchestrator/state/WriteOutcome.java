package dev.baozi.orchestrator.state;

/** What a store write came to: written as a new version, or refused because the state moved meanwhile. */
public sealed interface WriteOutcome {
    record Written(StateVersion version) implements WriteOutcome {}

    record Moved() implements WriteOutcome {}
}
