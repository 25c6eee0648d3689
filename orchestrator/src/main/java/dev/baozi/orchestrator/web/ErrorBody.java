package dev.baozi.orchestrator.web;

/** Every error response body: a human sentence saying what was wrong. */
public record ErrorBody(String error) {}
