package dev.baozi.orchestrator.state;

/**
 * A workspace's head kept moving under a change for longer than a change may wait (other writers
 * won every check-and-set): nothing was changed; the caller may retry at once. Answered 503 with
 * Retry-After, which OpenTofu's http backend retries by itself.
 */
public final class StateBusyException extends RuntimeException {

    public StateBusyException(String message) {
        super(message);
    }
}
