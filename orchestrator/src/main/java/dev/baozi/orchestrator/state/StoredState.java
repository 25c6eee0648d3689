package dev.baozi.orchestrator.state;

/** A state version with its content. */
public record StoredState(StateVersion version, byte[] content) {}
