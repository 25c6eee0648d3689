package dev.baozi.orchestrator.migration;

import java.time.OffsetDateTime;

/**
 * A migration as stored: the workspace moving, from which provider to which target, where it stands
 * ({@code status} on {@code step}), why it pauses or waits ({@code message}, null when it does not),
 * until when it waits ({@code wakeAt}), the plan once made (null before), who asked and when, and
 * {@code version}, which every change compares and sets.
 */
public record Migration(
        long id,
        long workspaceId,
        String workspace,
        String sourceProvider,
        MigrationTarget target,
        MigrationStatus status,
        MigrationStep step,
        String message,
        OffsetDateTime wakeAt,
        MigrationPlan plan,
        String requestedBy,
        OffsetDateTime requestedAt,
        OffsetDateTime updatedAt,
        OffsetDateTime finishedAt,
        long version) {}
