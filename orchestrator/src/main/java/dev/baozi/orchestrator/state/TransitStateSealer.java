package dev.baozi.orchestrator.state;

import dev.baozi.openbao.DataKeyCipher;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.Transit;
import dev.baozi.orchestrator.config.BaoziConfig;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals states with envelope encryption under OpenBao transit key {@code state.transit-key}: one
 * data key per process (from {@code datakey/plaintext}) seals every write, AES-256-GCM here with
 * a random nonce per state, and the transit-wrapped data key is the state's key reference. So a
 * write costs no OpenBao call (only the first of the process does), and a read costs none once
 * its data key has been unwrapped ({@code decrypt}, then kept in a bounded cache).
 *
 * <p>Stored bytes: magic {@code BZST}, format version {@code 2}, the 12-byte nonce, then the
 * ciphertext and its 16-byte tag. The header is authenticated too, and so is the workspace the
 * state belongs to ({@code baozi-state:<workspace>} after the header, not stored): a sealed state
 * copied into another workspace's record by someone who can write the KV mount does not open
 * there, so it cannot be read through that workspace's token. Format {@code 1} (the header alone
 * authenticated, before the binding) still opens.
 *
 * <p>Rotation: at most every {@code rotationCheck} a write starts a check of the key's
 * {@code latest_version} on a background thread (the write itself does not wait); when the key
 * was rotated, a new data key wrapped by the newest version seals the writes that follow, so
 * states are re-wrapped lazily on their next write. Older states keep their reference and still
 * open. Key material is never logged, printed or put in an exception.
 */
public final class TransitStateSealer implements StateSealer {

    /** How often, at most, writes check whether the transit key was rotated. */
    public static final Duration ROTATION_CHECK = Duration.ofMinutes(1);

    static final byte[] MAGIC = {'B', 'Z', 'S', 'T'};
    static final byte FORMAT = 2;
    /** The format before states were bound to their workspace: opened, never written. */
    static final byte UNBOUND_FORMAT = 1;
    static final int HEADER_BYTES = MAGIC.length + 1 + DataKeyCipher.NONCE_BYTES;
    /** Writes under one data key before a fresh one is taken: far below GCM's bound for random nonces (2^32). */
    static final long SEALS_PER_DATA_KEY = 1L << 24;
    /** Unwrapped data keys kept for reads (each instance and each key rotation adds one). */
    static final int OPENED_KEYS = 256;

    private static final Logger log = LoggerFactory.getLogger(TransitStateSealer.class);

    private final Transit transit;
    private final String key;
    private final boolean sealWrites;
    private final Clock clock;
    private final Duration rotationCheck;
    private final Executor background;

    private volatile WriteKey current;
    private volatile Instant nextCheck = Instant.MIN;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final Map<String, SecretKey> opened = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
            return size() > OPENED_KEYS;
        }
    };

    /**
     * A sealer under transit key {@code key}; {@code sealWrites} false stores new states unsealed
     * but still opens sealed ones (encryption turned off after it was on). Rotation checks run on
     * {@code background}.
     */
    public TransitStateSealer(Transit transit, String key, boolean sealWrites, Clock clock, Duration rotationCheck,
            Executor background) {
        this.transit = transit;
        this.key = key;
        this.sealWrites = sealWrites;
        this.clock = clock;
        this.rotationCheck = rotationCheck;
        this.background = background;
    }

    /** A sealer that checks for rotations every {@link #ROTATION_CHECK} on a virtual thread. */
    public TransitStateSealer(Transit transit, String key, boolean sealWrites, Clock clock) {
        this(transit, key, sealWrites, clock, ROTATION_CHECK, task -> Thread.ofVirtual().name("baozi-state-key-check").start(task));
    }

    /**
     * The sealer {@code config} asks for: {@code state.encryption=transit} seals under
     * {@code state.transit-key} on the {@code openbao.transit-mount}; {@code none} stores states
     * unsealed and opens sealed ones with the same key (so turning encryption off loses nothing).
     * Nothing is called here; the first write takes the data key.
     */
    public static TransitStateSealer of(BaoziConfig config, OpenBaoApi openbao, Clock clock) {
        return new TransitStateSealer(new Transit(openbao, config.openbao().transitMount()), config.state().transitKey(),
                config.state().encryption() == BaoziConfig.StateEncryption.TRANSIT, clock);
    }

    /** The data key that seals writes, its transit wrapping (the key reference) and the key version that wrapped it. */
    private record WriteKey(SecretKey key, String wrapped, int version, AtomicLong uses) {
        @Override
        public String toString() {
            return "WriteKey[version=" + version + ", key=(hidden)]";
        }
    }

    @Override
    public boolean enabled() {
        return sealWrites;
    }

    @Override
    public Sealed seal(byte[] gzip, String boundTo) {
        if (!sealWrites) {
            return new Sealed(gzip, null);
        }
        WriteKey k = writeKey();
        byte[] nonce = DataKeyCipher.newNonce();
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put(FORMAT).put(nonce).array();
        return new Sealed(DataKeyCipher.encrypt(k.key(), nonce, gzip, bound(header, boundTo), header), k.wrapped());
    }

    /** What a format-2 state authenticates besides its content: its header and the workspace it is bound to. */
    private static byte[] bound(byte[] header, String boundTo) {
        byte[] binding = ("baozi-state:" + boundTo).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(header.length + binding.length).put(header).put(binding).array();
    }

    @Override
    public byte[] open(byte[] bytes, String keyRef, String boundTo) {
        if (keyRef == null) {
            return bytes;
        }
        if (bytes.length < HEADER_BYTES + DataKeyCipher.TAG_BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SealedStateException("opening a sealed state: its stored bytes do not start with a sealed state's header"
                    + " (truncated, or not written by Baozi)");
        }
        byte format = bytes[MAGIC.length];
        if (format != FORMAT && format != UNBOUND_FORMAT) {
            throw new SealedStateException("opening a sealed state: format " + (format & 0xff)
                    + " is not one this version of Baozi knows (it knows " + UNBOUND_FORMAT + " and " + FORMAT + ")");
        }
        byte[] header = Arrays.copyOf(bytes, HEADER_BYTES);
        byte[] nonce = Arrays.copyOfRange(bytes, MAGIC.length + 1, HEADER_BYTES);
        byte[] aad = format == FORMAT ? bound(header, boundTo) : header;
        return DataKeyCipher.decrypt(dataKey(keyRef), nonce, bytes, HEADER_BYTES, aad).orElseThrow(() -> new SealedStateException(
                format == FORMAT
                        ? "opening a sealed state: its bytes do not match their data key and workspace (tampered, truncated,"
                                + " or copied from another workspace)"
                        : "opening a sealed state: its bytes do not match their data key (tampered or truncated)"));
    }

    /**
     * Checks now whether transit key {@code state.transit-key} has a newer version than the one
     * wrapping the current data key and, if so, takes a data key wrapped by the newest one. Writes
     * call it in the background at most every rotation check; an operator or a test may call it directly.
     */
    public void checkRotation() {
        if (!sealWrites) {
            return;
        }
        try {
            int latest = transit.latestVersion(key);
            WriteKey k = current;
            if (k == null || k.version() < latest) {
                current = fetchWriteKey();
                if (k != null) {
                    log.info("state encryption: transit key {} was rotated to version {}; new state versions are sealed under it",
                            key, current.version());
                }
            }
        } finally {
            nextCheck = clock.instant().plus(rotationCheck);
        }
    }

    private WriteKey writeKey() {
        WriteKey k = current;
        if (k == null || k.uses().get() >= SEALS_PER_DATA_KEY) {
            synchronized (this) {
                k = current;
                if (k == null || k.uses().get() >= SEALS_PER_DATA_KEY) {
                    k = fetchWriteKey();
                    current = k;
                    nextCheck = clock.instant().plus(rotationCheck);
                    log.info("state encryption: sealing new state versions with a data key from transit key {} version {}",
                            key, k.version());
                }
            }
        } else if (!clock.instant().isBefore(nextCheck) && checking.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    checkRotation();
                } catch (RuntimeException e) {
                    log.warn("state encryption: checking transit key {} for a rotation: {}; writes keep the current data key",
                            key, e.getMessage());
                } finally {
                    checking.set(false);
                }
            });
            k = current;
        }
        k.uses().incrementAndGet();
        return k;
    }

    private WriteKey fetchWriteKey() {
        Transit.DataKey fresh = transit.dataKey(key, 256, "sealing states (state.transit-key " + key + ")");
        byte[] raw = fresh.plaintext();
        try {
            SecretKey secret = DataKeyCipher.key(raw);
            int version = Transit.keyVersionOf(fresh.wrapped()).orElseThrow(() -> new IllegalStateException(
                    "taking a data key from transit key " + key + ": its wrapping names no key version"));
            synchronized (opened) {
                opened.put(fresh.wrapped(), secret);
            }
            return new WriteKey(secret, fresh.wrapped(), version, new AtomicLong());
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private SecretKey dataKey(String keyRef) {
        synchronized (opened) {
            SecretKey k = opened.get(keyRef);
            if (k != null) {
                return k;
            }
        }
        byte[] raw;
        try {
            raw = transit.unwrap(key, keyRef, "a sealed state (state.transit-key " + key + ")");
        } catch (OpenBaoRefusedException e) {
            if (e.status() == 400) {
                throw new SealedStateException("opening a sealed state: transit key " + key + " cannot unwrap its data key"
                        + " (a tampered key reference, or one wrapped by another key): OpenBao answered HTTP 400");
            }
            throw e;
        }
        try {
            SecretKey k = DataKeyCipher.key(raw);
            synchronized (opened) {
                opened.put(keyRef, k);
            }
            return k;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "TransitStateSealer[key=" + key + ", sealWrites=" + sealWrites + "]";
    }
}
