package dev.baozi.orchestrator.openbao;

import java.time.OffsetDateTime;
import java.util.NavigableMap;

/** A KV v2 secret's metadata: its current version and when each retained version was written. */
public record KvMetadata(long currentVersion, long oldestVersion, int maxVersions, NavigableMap<Long, OffsetDateTime> versions) {}
