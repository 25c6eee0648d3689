package dev.baozi.orchestrator.run;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A run of a workspace, as stored. {@code summary} is null until the plan is done; {@code replace}
 * lists the resource addresses the plan was asked to replace (empty for none); {@code dnsChanges}
 * is null until a plan of a workspace with DNS records counted its DNS changes, and
 * {@code dnsForceReason} says why those need force on approval (null if they do not).
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
        String error,
        Integer dnsChanges,
        String dnsForceReason,
        Boolean dnsForced) {

    /** Whether the plan changes DNS records as well as (or instead of) resources. */
    public boolean changesDns() {
        return dnsChanges != null && dnsChanges > 0;
    }
}
