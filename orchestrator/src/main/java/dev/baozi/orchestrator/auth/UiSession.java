package dev.baozi.orchestrator.auth;

import java.time.OffsetDateTime;

/**
 * A live web UI session: whose it is (with the user's role and whether they must change their
 * password first), the token every state-changing request must echo (CSRF), and when it ends at
 * the latest. The cookie value itself is never kept; it is returned once, at login.
 */
public record UiSession(long id, long userId, String userName, Role role, boolean mustChangePassword, String csrfToken,
        OffsetDateTime expiresAt) {

    @Override
    public String toString() {
        return "UiSession[id=" + id + ", userId=" + userId + ", userName=" + userName + ", role=" + role
                + ", mustChangePassword=" + mustChangePassword + ", csrfToken=(hidden), expiresAt=" + expiresAt + "]";
    }
}
