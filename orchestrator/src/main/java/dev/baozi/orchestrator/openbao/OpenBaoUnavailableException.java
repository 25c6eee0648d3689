package dev.baozi.orchestrator.openbao;

/** OpenBao could not serve a request: unreachable, sealed, or answering 5xx. Callers answer 503 and retry later. */
public final class OpenBaoUnavailableException extends RuntimeException {
    public OpenBaoUnavailableException(String message) {
        super(message);
    }

    public OpenBaoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
