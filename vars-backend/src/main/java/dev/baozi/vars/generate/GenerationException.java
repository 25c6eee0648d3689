package dev.baozi.vars.generate;

/** A generator could not make its files; the message names the generator and what went wrong, never a value. */
public final class GenerationException extends RuntimeException {

    public GenerationException(String message) {
        super(message);
    }

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
