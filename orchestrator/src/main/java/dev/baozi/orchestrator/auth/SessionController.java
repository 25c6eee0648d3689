package dev.baozi.orchestrator.auth;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.auth.LoginOutcome;
import dev.baozi.orchestrator.auth.PasswordChange;
import dev.baozi.orchestrator.auth.SessionService;
import dev.baozi.orchestrator.auth.Tokens;
import dev.baozi.orchestrator.auth.UiSession;
import dev.baozi.orchestrator.web.SessionCookies;
import dev.baozi.ui.view.Chrome;
import dev.baozi.ui.view.LoginView;
import dev.baozi.ui.view.PasswordView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * Logging in and out, and changing one's password. The login form is protected against login
 * CSRF with a double-submit token: a short-lived cookie and the same value in the form.
 */
public final class SessionController {

    private final SessionService sessions;
    private final SessionCookies cookies;
    private final UiSupport ui;

    public SessionController(SessionService sessions, SessionCookies cookies, UiSupport ui) {
        this.sessions = sessions;
        this.cookies = cookies;
        this.ui = ui;
    }

    public void loginForm(Context ctx) {
        String cookie = cookies.session(ctx);
        if (cookie != null && sessions.find(cookie).isPresent()) {
            ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
            return;
        }
        showLogin(ctx, HttpStatus.OK, ctx.queryParam("next"), "", null);
    }

    public void login(Context ctx) {
        String expected = cookies.loginNonce(ctx);
        String sent = ctx.formParam("_csrf");
        if (expected == null || sent == null || !Tokens.sameHash(Tokens.hash(expected), Tokens.hash(sent))) {
            showLogin(ctx, HttpStatus.FORBIDDEN, ctx.formParam("next"), "",
                    "The login form expired or came from another site. Please try again.");
            return;
        }
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").strip();
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        switch (sessions.login(name, password, ctx.ip())) {
            case LoginOutcome.LoggedIn in -> {
                cookies.clearLoginNonce(ctx);
                cookies.setSession(ctx, in.cookieValue());
                ctx.redirect(in.session().mustChangePassword() ? "/password" : safeNext(ctx.formParam("next")),
                        HttpStatus.SEE_OTHER);
            }
            case LoginOutcome.Refused r -> showLogin(ctx, HttpStatus.UNAUTHORIZED, ctx.formParam("next"), name, r.reason());
            case LoginOutcome.RateLimited limited -> {
                long minutes = Math.max(1, (limited.retryAfter().toSeconds() + 59) / 60);
                ctx.header("Retry-After", Long.toString(Math.max(1, limited.retryAfter().toSeconds())));
                showLogin(ctx, HttpStatus.TOO_MANY_REQUESTS, ctx.formParam("next"), name,
                        "Too many failed logins. Try again in " + minutes + " minute" + (minutes == 1 ? "" : "s") + ".");
            }
        }
    }

    public void logout(Context ctx) {
        String cookie = cookies.session(ctx);
        if (cookie != null) {
            sessions.logout(cookie);
        }
        cookies.clearSession(ctx);
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    public void passwordForm(Context ctx) {
        UiSession s = Caller.session(ctx);
        ui.render(ctx, HttpStatus.OK, ui.pages().password(new PasswordView(UiSupport.chrome(ctx, "Change your password"),
                s.mustChangePassword(), null)));
    }

    public void changePassword(Context ctx) {
        UiSession s = Caller.session(ctx);
        String current = ctx.formParam("current") == null ? "" : ctx.formParam("current");
        String next = ctx.formParam("next") == null ? "" : ctx.formParam("next");
        String repeat = ctx.formParam("repeat") == null ? "" : ctx.formParam("repeat");
        Chrome chrome = UiSupport.chrome(ctx, "Change your password");
        if (!next.equals(repeat)) {
            ui.render(ctx, HttpStatus.BAD_REQUEST, ui.pages().password(new PasswordView(chrome, s.mustChangePassword(),
                    "The two new passwords differ.")));
            return;
        }
        switch (sessions.changePassword(s, current, next)) {
            case PasswordChange.Changed changed -> {
                cookies.setSession(ctx, changed.newCookieValue());
                ctx.redirect("/workspaces?done=password", HttpStatus.SEE_OTHER);
            }
            case PasswordChange.Refused r -> ui.render(ctx, HttpStatus.BAD_REQUEST,
                    ui.pages().password(new PasswordView(chrome, s.mustChangePassword(), r.reason())));
        }
    }

    private void showLogin(Context ctx, HttpStatus status, String next, String name, String error) {
        String nonce = Tokens.generate("");
        cookies.setLoginNonce(ctx, nonce);
        ui.render(ctx, status, ui.pages().login(new LoginView(Chrome.anonymous("Log in"), nonce,
                next == null ? "" : next, name, error)));
    }

    /** Where to go after logging in: a path on this site only, never another host. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.startsWith("/login") || next.chars().anyMatch(Character::isISOControl)) {
            return "/workspaces";
        }
        return next;
    }
}
