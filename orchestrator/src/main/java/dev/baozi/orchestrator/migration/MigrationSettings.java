package dev.baozi.orchestrator.migration;

import java.time.Duration;

/**
 * How migrations run: whether the person who asked for one may also approve its steps (as
 * {@code runs.self-approval} for runs), how long the source VM stays stopped before it may be
 * decommissioned, and how soon a pending step is called again.
 */
public record MigrationSettings(boolean selfApproval, Duration soak, Duration poll) {

    public static final Duration DEFAULT_SOAK = Duration.ofDays(7);
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
}
