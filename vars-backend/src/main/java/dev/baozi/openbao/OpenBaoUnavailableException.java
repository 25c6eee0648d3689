package dev.baozi.openbao;

/**
 * OpenBao could not serve a request: nothing answered (refused, timed out, interrupted), or it
 * answered 5xx (503 when sealed) or 429. Retrying later may work: the edge answers 503.
 */
public final class OpenBaoUnavailableException extends RuntimeException {

    public OpenBaoUnavailableException(String message) {
        super(message);
    }

    public OpenBaoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
