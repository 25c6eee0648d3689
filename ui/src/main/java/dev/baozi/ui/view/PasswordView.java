package dev.baozi.ui.view;

/** The password change form; {@code forced} when the user must change a one-time password first. */
public record PasswordView(Chrome chrome, boolean forced, String error) {}
