package dev.baozi.orchestrator.netbox;

/**
 * A NetBox call that did not do what was asked. {@code status} is NetBox's HTTP status, or 0 when
 * NetBox did not answer. Messages say what was being done and never hold the token.
 */
public final class NetBoxException extends RuntimeException {

    private final int status;

    public NetBoxException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** NetBox did not answer (or its answer was lost): the call may or may not have taken effect. */
    public boolean unanswered() {
        return status == 0;
    }
}
