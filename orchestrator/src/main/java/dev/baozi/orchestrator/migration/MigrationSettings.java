package dev.baozi.orchestrator.migration;

import java.time.Duration;

/**
 * How migrations run: whether the person who asked for one may also approve its steps (as
 * {@code runs.self-approval} for runs), how long the source VM stays stopped before it may be
 * decommissioned ({@code migrations.soak}), and how soon a pending step is called again
 * ({@code migrations.poll}).
 */
public record MigrationSettings(boolean selfApproval, Duration soak, Duration poll) {}
