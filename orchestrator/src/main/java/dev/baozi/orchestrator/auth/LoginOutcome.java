package dev.baozi.orchestrator.auth;

import java.time.Duration;

/** How a login attempt ended. Refusals are results, not errors. */
public sealed interface LoginOutcome {

    /** The name and password matched: a new session, and the cookie value to set (shown this once). */
    record LoggedIn(String cookieValue, UiSession session) implements LoginOutcome {
        @Override
        public String toString() {
            return "LoggedIn[cookieValue=(hidden), session=" + session + "]";
        }
    }

    /**
     * Not logged in; the same sentence whether the user is unknown, has no password or gave a
     * wrong one, so the answer does not tell which names exist.
     */
    record Refused(String reason) implements LoginOutcome {}

    /** Too many failed attempts for this name or from this address; try again after {@code retryAfter}. */
    record RateLimited(Duration retryAfter) implements LoginOutcome {}
}
