package dev.baozi.orchestrator.state;

import java.util.Arrays;

/**
 * The state store's port for encryption at rest: seals a state's gzip bytes before they are
 * stored and opens them after they are read. {@link Sealed#keyRef()} is stored beside the
 * content (null: the content is the gzip itself). {@link #NONE} stores states as they are.
 */
public interface StateSealer {

    /** Stored bytes and the reference to the key that opens them (null when not sealed). */
    record Sealed(byte[] bytes, String keyRef) {
        public boolean sealed() {
            return keyRef != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sealed s && Arrays.equals(bytes, s.bytes) && java.util.Objects.equals(keyRef, s.keyRef);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + java.util.Objects.hashCode(keyRef);
        }

        @Override
        public String toString() {
            return "Sealed[" + bytes.length + " bytes, " + (keyRef == null ? "not sealed" : "sealed") + "]";
        }
    }

    /**
     * What to store for {@code gzip}: sealed when {@link #enabled()}, else {@code gzip} itself with
     * no key reference. Sealed bytes are bound to {@code boundTo} (the workspace): they open only
     * for it, so sealed bytes copied into another workspace's record do not open there.
     */
    Sealed seal(byte[] gzip, String boundTo);

    /**
     * The gzip bytes of stored {@code bytes}: {@code bytes} itself when {@code keyRef} is null (stored
     * unsealed, e.g. before encryption was turned on), else opened with the key {@code keyRef} names,
     * for {@code boundTo} (as sealed).
     *
     * @throws SealedStateException when sealed bytes cannot be opened (tampered, sealed for another
     *     workspace, or this sealer cannot open them)
     */
    byte[] open(byte[] bytes, String keyRef, String boundTo);

    /** {@link #seal(byte[], String)} bound to nothing (the sealer's own tests). */
    default Sealed seal(byte[] gzip) {
        return seal(gzip, "");
    }

    /** {@link #open(byte[], String, String)} of bytes sealed bound to nothing. */
    default byte[] open(byte[] bytes, String keyRef) {
        return open(bytes, keyRef, "");
    }

    /** Whether {@link #seal} encrypts (setting {@code state.encryption}). */
    boolean enabled();

    /** Stores states unsealed and opens only unsealed ones. */
    StateSealer NONE = new StateSealer() {
        @Override
        public Sealed seal(byte[] gzip, String boundTo) {
            return new Sealed(gzip, null);
        }

        @Override
        public byte[] open(byte[] bytes, String keyRef, String boundTo) {
            if (keyRef != null) {
                throw new SealedStateException("opening a state: it is sealed with transit, and this store has no transit key"
                        + " to open it (set state.encryption=transit)");
            }
            return bytes;
        }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public String toString() {
            return "StateSealer.NONE";
        }
    };
}
