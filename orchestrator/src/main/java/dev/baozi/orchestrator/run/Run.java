package dev.baozi.orchestrator.run;

import java.time.OffsetDateTime;

/** A run of a workspace, as stored. {@code summary} is null until the plan is done. */
public record Run(
        long id,
        long workspaceId,
        String workspace,
        RunStatus status,
        boolean destroy,
        String queuedBy,
        OffsetDateTime queuedAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        String configSha256,
        String moduleSha256,
        PlanSummary summary,
        String decidedBy,
        OffsetDateTime decidedAt,
        String decisionComment,
        Boolean destroyConfirmed,
        String canceledBy,
        String error) {}
