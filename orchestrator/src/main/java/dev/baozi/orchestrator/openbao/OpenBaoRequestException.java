package dev.baozi.orchestrator.openbao;

/** OpenBao refused a request for a reason that retrying will not fix (permission, bad path, bad body). */
public final class OpenBaoRequestException extends RuntimeException {
    private final int status;

    public OpenBaoRequestException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
