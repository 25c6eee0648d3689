package dev.baozi.ui.view;

/** A page that only says something: not found, refused, or an error. */
public record MessageView(Chrome chrome, int status, String heading, String message) {}
