package dev.baozi.openbao;

/**
 * OpenBao answered with a 4xx (permission, bad path, bad body, spent token): retrying will not
 * help. The message says what was being done and OpenBao's errors, never request data.
 */
public final class OpenBaoRefusedException extends RuntimeException {

    private final int status;

    public OpenBaoRefusedException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
