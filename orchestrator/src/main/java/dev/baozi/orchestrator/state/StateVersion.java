package dev.baozi.orchestrator.state;

import java.time.Instant;

/**
 * One accepted write of a workspace's state. {@code serial} and {@code lineage} are null when
 * the state is opaque (encrypted client-side). A deleted version marks the state's removal.
 */
public record StateVersion(
        long version, Long serial, String lineage, long size, String sha256, String md5, String who, Instant when,
        boolean deleted) {}
