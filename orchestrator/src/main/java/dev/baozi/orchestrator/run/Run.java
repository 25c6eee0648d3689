package dev.baozi.orchestrator.run;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A run of a workspace, as stored. {@code summary} is null until the plan is done; {@code replace}
 * lists the resource addresses the plan was asked to replace (empty for none). What extensions
 * planned beside tofu is stored apart ({@link SidePlan}).
 */
public record Run(
        long id,
        long workspaceId,
        String workspace,
        RunStatus status,
        boolean destroy,
        List<String> replace,
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
