package dev.baozi.vars.openbao;

/** OpenBao answered, but not with a success; the message says what was being done and OpenBao's errors. */
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
