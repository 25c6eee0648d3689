package dev.baozi.orchestrator.audit;

import java.time.OffsetDateTime;

/** One audit record: {@code actor} did {@code action} on {@code target} at {@code occurredAt}, ending in {@code outcome}. */
public record AuditEvent(
        long id, OffsetDateTime occurredAt, String actor, String action, String target, String outcome, String detail) {}
