package dev.baozi.openbao;

import java.time.OffsetDateTime;
import java.util.NavigableMap;

/**
 * A KV v2 secret's metadata: its current and oldest version, how many it keeps (0: the mount's
 * default), and each version OpenBao still keeps, with when it was written and what is left of it.
 */
public record KvMetadata(long currentVersion, long oldestVersion, int maxVersions, NavigableMap<Long, Version> versions) {

    /** What OpenBao keeps of one version. */
    public enum VersionState { LIVE, DELETED, DESTROYED }

    /** One kept version. */
    public record Version(OffsetDateTime created, VersionState state) {}

    /** The state of {@code version}; one OpenBao no longer keeps counts as destroyed. */
    public VersionState state(long version) {
        Version v = versions.get(version);
        return v == null ? VersionState.DESTROYED : v.state();
    }
}
