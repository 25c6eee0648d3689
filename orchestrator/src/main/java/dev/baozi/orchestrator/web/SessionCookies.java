package dev.baozi.orchestrator.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Duration;

/**
 * The UI's cookies: the session (HttpOnly, SameSite=Lax, Secure unless configured off for plain
 * http), and the login form's short-lived double-submit nonce.
 */
public final class SessionCookies {

    public static final String SESSION = "baozi_session";
    static final String LOGIN_NONCE = "baozi_login";

    private final boolean secure;
    private final Duration lifetime;

    public SessionCookies(boolean secure, Duration lifetime) {
        this.secure = secure;
        this.lifetime = lifetime;
    }

    public String session(Context ctx) {
        return ctx.cookie(SESSION);
    }

    public void setSession(Context ctx, String value) {
        ctx.cookie(cookie(SESSION, value, "/", (int) lifetime.toSeconds(), SameSite.LAX));
    }

    public void clearSession(Context ctx) {
        ctx.cookie(cookie(SESSION, "", "/", 0, SameSite.LAX));
    }

    public String loginNonce(Context ctx) {
        return ctx.cookie(LOGIN_NONCE);
    }

    public void setLoginNonce(Context ctx, String value) {
        ctx.cookie(cookie(LOGIN_NONCE, value, "/login", 3600, SameSite.STRICT));
    }

    public void clearLoginNonce(Context ctx) {
        ctx.cookie(cookie(LOGIN_NONCE, "", "/login", 0, SameSite.STRICT));
    }

    private Cookie cookie(String name, String value, String path, int maxAge, SameSite sameSite) {
        return new Cookie(name, value, path, maxAge, secure, true, null, sameSite);
    }
}
