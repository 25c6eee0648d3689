package dev.baozi.orchestrator.state;

/**
 * A stored state that cannot be opened: its sealed bytes do not match their key (tampered,
 * truncated, or sealed under another key) or are not in a format this version knows. Its message
 * never carries key material or state content. OpenBao's own refusals and outages stay
 * {@code OpenBaoRefusedException} and {@code OpenBaoUnavailableException}.
 */
public final class SealedStateException extends RuntimeException {

    public SealedStateException(String message) {
        super(message);
    }
}
