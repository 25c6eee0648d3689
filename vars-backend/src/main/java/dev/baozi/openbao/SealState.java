package dev.baozi.openbao;

/** What OpenBao's unauthenticated seal-status endpoint says, or that it could not be asked. */
public sealed interface SealState {
    record Unsealed() implements SealState {}

    record Sealed() implements SealState {}

    record Unreachable(String reason) implements SealState {}
}
