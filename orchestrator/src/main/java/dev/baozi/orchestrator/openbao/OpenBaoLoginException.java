package dev.baozi.orchestrator.openbao;

/** OpenBao refused the AppRole login, or could not be reached for it. */
public final class OpenBaoLoginException extends Exception {
    public OpenBaoLoginException(String message, Throwable cause) {
        super(message, cause);
    }
}
