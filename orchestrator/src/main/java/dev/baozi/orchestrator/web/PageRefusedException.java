package dev.baozi.orchestrator.web;

import io.javalin.http.HttpStatus;

/** A web UI request refused before its page ran; shown as a page with a heading and a sentence. */
public final class PageRefusedException extends RuntimeException {

    private final HttpStatus status;
    private final String heading;

    public PageRefusedException(HttpStatus status, String heading, String message) {
        super(message);
        this.status = status;
        this.heading = heading;
    }

    public HttpStatus status() {
        return status;
    }

    public String heading() {
        return heading;
    }
}
