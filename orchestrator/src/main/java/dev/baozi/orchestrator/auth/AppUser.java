package dev.baozi.orchestrator.auth;

import java.time.OffsetDateTime;

/** A person known to Baozi. */
public record AppUser(long id, String name, Role role, OffsetDateTime createdAt) {}
