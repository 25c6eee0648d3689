package dev.baozi.orchestrator.cli;

/** A command line the CLI cannot act on; its message is the one line the user reads (exit code 2). */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
