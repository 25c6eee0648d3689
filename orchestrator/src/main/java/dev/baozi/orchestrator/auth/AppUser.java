package dev.baozi.orchestrator.auth;

import java.time.OffsetDateTime;

/** A person known to Baozi; a disabled one can neither log in nor use its API tokens. */
public record AppUser(long id, String name, Role role, OffsetDateTime createdAt, boolean disabled) {}
