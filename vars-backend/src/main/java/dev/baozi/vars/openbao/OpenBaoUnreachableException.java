package dev.baozi.vars.openbao;

/** Nothing answered (connection refused, timeout, interrupted). */
public final class OpenBaoUnreachableException extends RuntimeException {

    public OpenBaoUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
