package dev.baozi.openbao;

/** How a check-and-set write of a KV v2 path ended: written as a new version, or refused because the path moved on. */
public sealed interface CasWrite {

    /** The write is version {@code version}. */
    record Written(long version) implements CasWrite {}

    /** The path's current version was not the one given: another writer got there first; nothing was written. */
    record Moved() implements CasWrite {}
}
