package dev.baozi.orchestrator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoResponse;
import dev.baozi.openbao.Transit;
import dev.baozi.orchestrator.MovableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The transit sealer's own logic against a stand-in for transit (the real one is in the test
 * harness' TransitStateSealerTest): which writes and reads call OpenBao, the stored format, and
 * that a damaged state fails plainly without showing a key.
 */
class TransitStateSealerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] STATE = "{\"lineage\":\"c0ffee\",\"serial\":3}".getBytes(StandardCharsets.UTF_8);

    /** Transit's datakey, decrypt and key read, in memory: wrapped keys are random names for random keys. */
    static final class FakeTransit implements OpenBaoApi {
        final List<String> calls = new ArrayList<>();
        final Map<String, byte[]> wrapped = new ConcurrentHashMap<>();
        final SecureRandom random = new SecureRandom();
        volatile int latest = 1;

        @Override
        public synchronized OpenBaoResponse send(String method, String path, JsonNode body, Map<String, String> headers) {
            calls.add(method + " " + path);
            if (path.startsWith("transit/datakey/plaintext/")) {
                byte[] key = new byte[32];
                random.nextBytes(key);
                String w = "vault:v" + latest + ":" + Base64.getEncoder().encodeToString(random.generateSeed(16));
                wrapped.put(w, key);
                return ok(JSON.createObjectNode().put("plaintext", Base64.getEncoder().encodeToString(key)).put("ciphertext", w));
            }
            if (path.startsWith("transit/decrypt/")) {
                byte[] key = wrapped.get(body.path("ciphertext").asText());
                return key == null
                        ? new OpenBaoResponse(400, JSON.createObjectNode().set("errors", JSON.createArrayNode().add("invalid ciphertext")))
                        : ok(JSON.createObjectNode().put("plaintext", Base64.getEncoder().encodeToString(key)));
            }
            if (path.startsWith("transit/keys/")) {
                return ok(JSON.createObjectNode().put("latest_version", latest));
            }
            return new OpenBaoResponse(404, JSON.createObjectNode());
        }

        private static OpenBaoResponse ok(JsonNode data) {
            return new OpenBaoResponse(200, JSON.createObjectNode().set("data", data));
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }
    }

    private final FakeTransit bao = new FakeTransit();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T12:00:00Z"));

    private TransitStateSealer sealer(FakeTransit api) {
        return new TransitStateSealer(new Transit(api, "transit"), "baozi-state", true, clock, Duration.ofMinutes(1), Runnable::run);
    }

    @Test
    void a_sealed_state_opens_to_the_same_bytes_and_shows_neither_them_nor_a_header_free_layout() {
        var sealer = sealer(bao);

        StateSealer.Sealed sealed = sealer.seal(STATE);

        assertThat(sealed.sealed()).isTrue();
        assertThat(sealed.keyRef()).startsWith("vault:v1:");
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).startsWith("BZST\u0002").doesNotContain("c0ffee");
        assertThat(sealed.bytes()).hasSize(STATE.length + TransitStateSealer.HEADER_BYTES + 16);
        assertThat(sealer.open(sealed.bytes(), sealed.keyRef())).isEqualTo(STATE);
    }

    @Test
    void only_the_first_write_of_a_process_calls_openbao_and_reading_its_own_writes_calls_nothing() {
        var sealer = sealer(bao);

        var first = sealer.seal(STATE);
        var second = sealer.seal(STATE);
        sealer.open(first.bytes(), first.keyRef());
        sealer.open(second.bytes(), second.keyRef());

        assertThat(bao.calls()).containsExactly("POST transit/datakey/plaintext/baozi-state");
        assertThat(second.keyRef()).isEqualTo(first.keyRef());
        assertThat(second.bytes()).as("a fresh nonce per state").isNotEqualTo(first.bytes());
    }

    @Test
    void a_state_another_instance_sealed_costs_one_decrypt_then_none() {
        var other = sealer(bao).seal(STATE);
        var sealer = sealer(bao);
        int before = bao.calls().size();

        sealer.open(other.bytes(), other.keyRef());
        sealer.open(other.bytes(), other.keyRef());

        assertThat(bao.calls().subList(before, bao.calls().size())).containsExactly("POST transit/decrypt/baozi-state");
    }

    @Test
    void after_a_rotation_check_finds_a_new_key_version_writes_are_wrapped_by_it_and_old_states_still_open() {
        var sealer = sealer(bao);
        var old = sealer.seal(STATE);
        bao.latest = 2;

        var beforeTheCheckIsDue = sealer.seal(STATE);
        clock.advance(Duration.ofMinutes(1));
        var afterIt = sealer.seal(STATE);

        assertThat(beforeTheCheckIsDue.keyRef()).startsWith("vault:v1:");
        assertThat(afterIt.keyRef()).startsWith("vault:v2:");
        assertThat(sealer.open(old.bytes(), old.keyRef())).isEqualTo(STATE);
        assertThat(bao.calls()).containsExactly("POST transit/datakey/plaintext/baozi-state",
                "GET transit/keys/baozi-state", "POST transit/datakey/plaintext/baozi-state");
    }

    @Test
    void a_rotation_check_that_finds_no_new_version_keeps_the_data_key() {
        var sealer = sealer(bao);
        var first = sealer.seal(STATE);
        clock.advance(Duration.ofMinutes(2));

        var next = sealer.seal(STATE);

        assertThat(next.keyRef()).isEqualTo(first.keyRef());
        assertThat(bao.calls()).containsExactly("POST transit/datakey/plaintext/baozi-state", "GET transit/keys/baozi-state");
    }

    @Test
    void a_state_sealed_for_one_workspace_opens_for_it_and_not_for_another() {
        var sealer = sealer(bao);
        var sealed = sealer.seal(STATE, "shop");

        assertThat(sealer.open(sealed.bytes(), sealed.keyRef(), "shop")).isEqualTo(STATE);
        assertThatThrownBy(() -> sealer.open(sealed.bytes(), sealed.keyRef(), "blog"))
                .isInstanceOf(SealedStateException.class)
                .hasMessageContaining("copied from another workspace")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c0ffee"));
    }

    @Test
    void a_state_sealed_before_states_were_bound_to_their_workspace_still_opens() {
        var sealer = sealer(bao);
        String keyRef = sealer.seal(STATE).keyRef(); // takes a data key
        byte[] nonce = dev.baozi.openbao.DataKeyCipher.newNonce();
        byte[] header = java.nio.ByteBuffer.allocate(TransitStateSealer.HEADER_BYTES).put(TransitStateSealer.MAGIC)
                .put(TransitStateSealer.UNBOUND_FORMAT).put(nonce).array();
        byte[] unbound = dev.baozi.openbao.DataKeyCipher.encrypt(dev.baozi.openbao.DataKeyCipher.key(bao.wrapped.get(keyRef)),
                nonce, STATE, header, header);

        assertThat(sealer.open(unbound, keyRef, "any-workspace")).isEqualTo(STATE);
    }

    @Test
    void a_tampered_state_fails_plainly_without_showing_a_key_or_the_state() {
        var sealer = sealer(bao);
        var sealed = sealer.seal(STATE);
        byte[] flipped = sealed.bytes().clone();
        flipped[flipped.length - 20] ^= 1;
        byte[] truncated = java.util.Arrays.copyOf(sealed.bytes(), 10);
        byte[] future = sealed.bytes().clone();
        future[4] = 9;
        String dataKey = Base64.getEncoder().encodeToString(bao.wrapped.get(sealed.keyRef()));

        assertThatThrownBy(() -> sealer.open(flipped, sealed.keyRef()))
                .isInstanceOf(SealedStateException.class)
                .hasMessage("opening a sealed state: its bytes do not match their data key and workspace (tampered, truncated,"
                        + " or copied from another workspace)");
        assertThatThrownBy(() -> sealer.open(truncated, sealed.keyRef()))
                .isInstanceOf(SealedStateException.class).hasMessageContaining("do not start with a sealed state's header");
        assertThatThrownBy(() -> sealer.open(future, sealed.keyRef()))
                .isInstanceOf(SealedStateException.class).hasMessageContaining("format 9 is not one this version of Baozi knows");
        assertThatThrownBy(() -> sealer(bao).open(sealed.bytes(), "vault:v1:tampered"))
                .isInstanceOf(SealedStateException.class)
                .hasMessageContaining("cannot unwrap its data key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dataKey).doesNotContain("c0ffee"));
    }

    @Test
    void unsealed_states_pass_through_and_with_encryption_off_writes_are_unsealed_but_sealed_states_still_open() {
        var sealed = sealer(bao).seal(STATE);
        var off = new TransitStateSealer(new Transit(bao, "transit"), "baozi-state", false, clock);

        assertThat(off.enabled()).isFalse();
        assertThat(off.seal(STATE)).isEqualTo(new StateSealer.Sealed(STATE, null));
        assertThat(off.open(STATE, null)).isEqualTo(STATE);
        assertThat(off.open(sealed.bytes(), sealed.keyRef())).isEqualTo(STATE);
        assertThat(StateSealer.NONE.open(STATE, null)).isEqualTo(STATE);
        assertThatThrownBy(() -> StateSealer.NONE.open(sealed.bytes(), sealed.keyRef()))
                .isInstanceOf(SealedStateException.class).hasMessageContaining("set state.encryption=transit");
    }

    @Test
    void the_sealer_the_config_asks_for_seals_under_its_key_on_its_transit_mount_only_when_encryption_is_transit() {
        var env = new java.util.HashMap<String, String>(Map.of("BAOZI_OPENBAO_APPROLE_ROLE_ID", "role",
                "BAOZI_OPENBAO_APPROLE_SECRET_ID", "secret", "BAOZI_OPENBAO_TRANSIT_MOUNT", "transit",
                "BAOZI_STATE_TRANSIT_KEY", "team-states"));
        var on = TransitStateSealer.of(dev.baozi.orchestrator.config.ConfigLoader.load(null, env), bao, clock);
        env.put("BAOZI_STATE_ENCRYPTION", "none");
        var off = TransitStateSealer.of(dev.baozi.orchestrator.config.ConfigLoader.load(null, env), bao, clock);

        assertThat(bao.calls()).as("building a sealer calls nothing").isEmpty();
        var sealed = on.seal(STATE);
        assertThat(on.enabled()).isTrue();
        assertThat(off.enabled()).isFalse();
        assertThat(off.seal(STATE).sealed()).isFalse();
        assertThat(off.open(sealed.bytes(), sealed.keyRef())).isEqualTo(STATE);
        assertThat(bao.calls()).containsExactly("POST transit/datakey/plaintext/team-states", "POST transit/decrypt/team-states");
    }

    @Test
    void neither_the_sealer_nor_a_sealed_state_prints_key_material() {
        var sealer = sealer(bao);
        var sealed = sealer.seal(STATE);
        String dataKey = Base64.getEncoder().encodeToString(bao.wrapped.get(sealed.keyRef()));

        assertThat(sealer.toString()).isEqualTo("TransitStateSealer[key=baozi-state, sealWrites=true]");
        assertThat(sealed.toString()).isEqualTo("Sealed[" + sealed.bytes().length + " bytes, sealed]").doesNotContain(dataKey);
    }
}
