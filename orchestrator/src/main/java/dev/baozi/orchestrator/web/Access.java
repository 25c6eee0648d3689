package dev.baozi.orchestrator.web;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Every route in the table declares one; a route declaring none is
 * refused (fail closed).
 */
public enum Access implements RouteRole {
    /** Anyone, without credentials: liveness and readiness probes. */
    PUBLIC,
    /** A live state token (read-only or read-write) of the workspace in the path. */
    STATE_READ,
    /** A live read-write state token of the workspace in the path. */
    STATE_WRITE,
    /** A user with at least the viewer role (or the admin token). */
    VIEWER,
    /** A user with at least the operator role. */
    OPERATOR,
    /** A user with at least the approver role. */
    APPROVER,
    /** A user with the admin role, or the admin token. */
    ADMIN,
    /**
     * Marks a web UI route, next to its role: the caller is the browser session's user (cookie),
     * never a token, and every request that changes something carries the session's CSRF token.
     */
    BROWSER
}
