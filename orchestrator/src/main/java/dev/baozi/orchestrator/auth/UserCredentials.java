package dev.baozi.orchestrator.auth;

/**
 * What a login checks about a user: their Argon2id PHC string (null for API-only users, who
 * cannot log in to the web UI) and whether they must change their password first.
 */
public record UserCredentials(long userId, String name, Role role, String passwordHash, boolean mustChangePassword) {

    public boolean hasPassword() {
        return passwordHash != null;
    }

    @Override
    public String toString() {
        return "UserCredentials[userId=" + userId + ", name=" + name + ", role=" + role + ", passwordHash="
                + (passwordHash == null ? "(none)" : "(set)") + ", mustChangePassword=" + mustChangePassword + "]";
    }
}
