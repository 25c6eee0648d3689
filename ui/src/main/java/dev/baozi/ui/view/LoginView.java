package dev.baozi.ui.view;

/** The login form: its CSRF token (bound to a cookie), where to go after, and what went wrong last time. */
public record LoginView(Chrome chrome, String csrf, String next, String userName, String error) {}
