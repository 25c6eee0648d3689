package dev.baozi.orchestrator.auth;

/** How a person's own password change ended. */
public sealed interface PasswordChange {

    /**
     * The new password is stored, every session of the user was ended, and this fresh one
     * replaces the one the change was made from (its cookie value is shown this once).
     */
    record Changed(String newCookieValue, UiSession session) implements PasswordChange {
        @Override
        public String toString() {
            return "Changed[newCookieValue=(hidden), session=" + session + "]";
        }
    }

    /** Nothing changed, and why, as a sentence for the person. */
    record Refused(String reason) implements PasswordChange {}
}
