package dev.baozi.orchestrator.web;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Every route in the table declares one; a route declaring none is
 * refused (fail closed).
 */
public enum Access implements RouteRole {
    /** Anyone, without credentials: liveness and readiness probes. */
    PUBLIC
}
