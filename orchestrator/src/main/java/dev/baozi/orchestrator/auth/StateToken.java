package dev.baozi.orchestrator.auth;

import java.time.OffsetDateTime;

/** A state token's record (never the token itself). */
public record StateToken(
        long id, String workspace, String name, TokenAccess access, String createdBy, OffsetDateTime createdAt,
        OffsetDateTime revokedAt) {}
