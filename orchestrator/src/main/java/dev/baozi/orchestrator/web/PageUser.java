package dev.baozi.orchestrator.web;

/**
 * Who a web UI page is for, as the page chrome shows it: the user's name and role (in its wire
 * form), whether they are an admin, and the session's CSRF token every form of the page carries.
 */
public record PageUser(String name, String role, boolean admin, String csrfToken) {

    @Override
    public String toString() {
        return "PageUser[name=" + name + ", role=" + role + ", admin=" + admin + ", csrfToken=(hidden)]";
    }
}
