package dev.baozi.orchestrator;

/** The orchestrator cannot start; the message says what was being done and why it failed. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
