package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One transit mount, as far as envelope encryption needs it: a named key (its newest version,
 * rotating it), data keys from it, and unwrapping them.
 */
public final class Transit {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Transit's ciphertext: {@code vault:v<version>:<base64>} (OpenBao keeps Vault's prefix). */
    private static final Pattern CIPHERTEXT = Pattern.compile("^[a-z]+:v(\\d+):");

    private final OpenBaoApi api;
    private final String mount;

    public Transit(OpenBaoApi api, String mount) {
        this.api = api;
        this.mount = mount;
    }

    /** A data key: its plaintext (for local use only; clear it after) and the same key wrapped by transit. */
    public record DataKey(byte[] plaintext, String wrapped) {
        @Override
        public String toString() {
            return "DataKey[wrapped=" + wrapped + ", plaintext=(hidden)]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DataKey k && Arrays.equals(plaintext, k.plaintext) && wrapped.equals(k.wrapped);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(plaintext) + wrapped.hashCode();
        }
    }

    /** Creates key {@code key} (an AES-256-GCM key by default); creating one that exists changes nothing. */
    public void createKey(String key) {
        api.send("POST", mount + "/keys/" + key, JSON.createObjectNode()).requireOk("creating transit key " + key);
    }

    /** The newest version of key {@code key} (new data keys are wrapped by it); needs read on {@code keys/<key>}. */
    public int latestVersion(String key) {
        JsonNode d = api.send("GET", mount + "/keys/" + key, null).requireOk("reading transit key " + key).data();
        int version = d.path("latest_version").asInt(0);
        if (version < 1) {
            throw new IllegalStateException("reading transit key " + key + ": OpenBao's answer names no latest_version");
        }
        return version;
    }

    /** Adds a new version to key {@code key}; older versions still decrypt (an operator's act: the orchestrator's policy refuses it). */
    public void rotate(String key) {
        api.send("POST", mount + "/keys/" + key + "/rotate", JSON.createObjectNode()).requireOk("rotating transit key " + key);
    }

    /** The key version that wrapped {@code ciphertext} ({@code vault:v3:…} → 3), read from its prefix; empty when it has none. */
    public static OptionalInt keyVersionOf(String ciphertext) {
        Matcher m = CIPHERTEXT.matcher(ciphertext);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A fresh data key of {@code bits} bits, wrapped by {@code key}. */
    public DataKey dataKey(String key, int bits, String purpose) {
        JsonNode d = api.send("POST", mount + "/datakey/plaintext/" + key, JSON.createObjectNode().put("bits", bits))
                .requireOk("creating a data key for " + purpose).data();
        return new DataKey(Base64.getDecoder().decode(d.path("plaintext").asText()), d.path("ciphertext").asText());
    }

    /** The plaintext of {@code wrapped}, a data key {@code key} wrapped. */
    public byte[] unwrap(String key, String wrapped, String purpose) {
        JsonNode d = api.send("POST", mount + "/decrypt/" + key, JSON.createObjectNode().put("ciphertext", wrapped))
                .requireOk("unwrapping the data key of " + purpose).data();
        return Base64.getDecoder().decode(d.path("plaintext").asText());
    }
}
