package dev.baozi.orchestrator.health;

import java.util.Map;

/** The result of the readiness checks: ready only when every check passed. */
public record Readiness(boolean ready, Map<String, Check> checks) {

    /** One check: whether it passed, and a short human reason. */
    public record Check(boolean ok, String detail) {}
}
