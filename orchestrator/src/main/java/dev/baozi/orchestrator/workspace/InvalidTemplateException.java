package dev.baozi.orchestrator.workspace;

/** A template in tf-modules/ that cannot be used as it is; the message names the template, the file and what is wrong. */
public final class InvalidTemplateException extends IllegalStateException {

    public InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
