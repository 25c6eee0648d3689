package dev.baozi.ui.view;

/**
 * What every page around its content shows: the title, who is logged in (null on the login
 * page), the CSRF token the page's forms carry, and a one-line message after an action.
 */
public record Chrome(String title, String userName, String role, boolean admin, String csrf, String flash, boolean flashIsError) {

    public static Chrome anonymous(String title) {
        return new Chrome(title, null, null, false, "", null, false);
    }

    public Chrome withFlash(String message, boolean error) {
        return new Chrome(title, userName, role, admin, csrf, message, error);
    }

    public Chrome titled(String newTitle) {
        return new Chrome(newTitle, userName, role, admin, csrf, flash, flashIsError);
    }
}
