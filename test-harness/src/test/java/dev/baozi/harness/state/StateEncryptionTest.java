package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.openbao.Transit;
import dev.baozi.orchestrator.state.SealedStateException;
import dev.baozi.orchestrator.state.StateSealer;
import dev.baozi.orchestrator.state.TransitStateSealer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * States sealed at rest with transit against a real OpenBao, as the orchestrator's AppRole: a
 * round trip; what a token that may only read the KV mount sees (ciphertext, and a refusal from
 * transit); lazy re-wrap after a key rotation; damaged states; and the orchestrator's narrow
 * grant on the state key.
 */
@Tag("openbao")
class StateEncryptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINEAGE = "5d1f3c2e-lineage-visible-only-when-open";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static OpenBaoServer bao;
    private static OpenBaoSession session;
    private static OpenBaoClient root;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        session = TestSupport.login(bao);
        root = new OpenBaoClient(OpenBaoConnection.of(bao.address(), Duration.ofSeconds(5)), bao::devRootToken);
    }

    @AfterAll
    static void stop() throws Exception {
        session.close();
        bao.close();
    }

    private static TransitStateSealer sealer(OpenBaoApi api) {
        return new TransitStateSealer(new Transit(api, "baozi-transit"), OrchestratorAccess.STATE_KEY, true, Clock.systemUTC());
    }

    private static byte[] gzipState() throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(("{\"version\":4,\"serial\":" + COUNTER.incrementAndGet() + ",\"lineage\":\"" + LINEAGE
                    + "\",\"resources\":[]}").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String gunzip(byte[] gzip) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int latestVersion() {
        return new Transit(root, "baozi-transit").latestVersion(OrchestratorAccess.STATE_KEY);
    }

    @Test
    void a_state_sealed_by_the_orchestrator_opens_to_its_gzip_in_another_process() throws IOException {
        byte[] gzip = gzipState();

        StateSealer.Sealed sealed = sealer(session.client()).seal(gzip);

        assertThat(sealed.keyRef()).startsWith("vault:v");
        assertThat(gunzip(sealer(session.client()).open(sealed.bytes(), sealed.keyRef()))).contains(LINEAGE);
    }

    @Test
    void a_token_that_may_read_the_kv_mount_sees_only_ciphertext_and_transit_refuses_it_the_data_key() throws IOException {
        StateSealer.Sealed sealed = sealer(session.client()).seal(gzipState());
        String path = "encryption-test/ws" + COUNTER.incrementAndGet() + "/head";
        new KvV2(session.client(), "baozi").put(path, JSON.createObjectNode()
                .put("state", Base64.getEncoder().encodeToString(sealed.bytes())).put("key_ref", sealed.keyRef()));
        ObjectNode policy = JSON.createObjectNode();
        policy.putObject("path").putObject("baozi/data/*").putArray("capabilities").add("read");
        root.send("PUT", "sys/policies/acl/kv-reader", JSON.createObjectNode().put("policy", policy.toString()))
                .requireOk("writing the kv-reader policy");
        ObjectNode tokenRequest = JSON.createObjectNode();
        tokenRequest.putArray("policies").add("kv-reader");
        tokenRequest.put("no_default_policy", true);
        String readerToken = root.send("POST", "auth/token/create", tokenRequest).requireOk("creating a kv-reader token")
                .body().path("auth").path("client_token").asText();
        OpenBaoClient reader = root.withToken(readerToken);

        var stored = new KvV2(reader, "baozi").read(path).orElseThrow();
        byte[] bytes = Base64.getDecoder().decode(stored.text("state"));

        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(LINEAGE).doesNotContain("lineage");
        assertThatThrownBy(() -> gunzip(bytes)).isInstanceOf(ZipException.class);
        assertThatThrownBy(() -> sealer(reader).open(bytes, stored.text("key_ref")))
                .isInstanceOfSatisfying(OpenBaoRefusedException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void after_the_key_is_rotated_the_next_write_is_wrapped_by_the_new_version_and_older_states_still_open() throws IOException {
        var sealer = sealer(session.client());
        byte[] gzip = gzipState();
        StateSealer.Sealed before = sealer.seal(gzip);
        int version = latestVersion();

        new Transit(root, "baozi-transit").rotate(OrchestratorAccess.STATE_KEY);
        sealer.checkRotation();
        StateSealer.Sealed after = sealer.seal(gzip);

        assertThat(before.keyRef()).startsWith("vault:v" + version + ":");
        assertThat(after.keyRef()).startsWith("vault:v" + (version + 1) + ":");
        var fresh = sealer(session.client());
        assertThat(fresh.open(before.bytes(), before.keyRef())).isEqualTo(gzip);
        assertThat(fresh.open(after.bytes(), after.keyRef())).isEqualTo(gzip);
    }

    @Test
    void writes_pick_up_a_rotation_by_themselves_once_the_check_is_due() throws IOException {
        var sealer = new TransitStateSealer(new Transit(session.client(), "baozi-transit"), OrchestratorAccess.STATE_KEY, true,
                Clock.systemUTC(), Duration.ZERO, task -> Thread.ofVirtual().start(task));
        byte[] gzip = gzipState();
        sealer.seal(gzip);
        int rotated = latestVersion() + 1;

        new Transit(root, "baozi-transit").rotate(OrchestratorAccess.STATE_KEY);

        Deadline.await("a write sealed under key version " + rotated, Duration.ofSeconds(20),
                () -> sealer.seal(gzip).keyRef().startsWith("vault:v" + rotated + ":"));
    }

    @Test
    void tampered_states_and_key_references_fail_with_a_plain_error_that_shows_no_key() throws IOException {
        byte[] gzip = gzipState();
        var sealer = sealer(session.client());
        StateSealer.Sealed sealed = sealer.seal(gzip);
        byte[] flipped = sealed.bytes().clone();
        flipped[flipped.length / 2] ^= 0x40;
        String keyRef = sealed.keyRef();
        String tamperedRef = keyRef.substring(0, keyRef.length() - 6) + (keyRef.endsWith("AAAA==") ? "BBBB==" : "AAAA==");
        String dataKey = Base64.getEncoder().encodeToString(new Transit(root, "baozi-transit")
                .unwrap(OrchestratorAccess.STATE_KEY, keyRef, "the test"));

        assertThatThrownBy(() -> sealer.open(flipped, keyRef))
                .isInstanceOf(SealedStateException.class)
                .hasMessage("opening a sealed state: its bytes do not match their data key and workspace (tampered, truncated, or copied from another workspace)");
        assertThatThrownBy(() -> sealer(session.client()).open(sealed.bytes(), tamperedRef))
                .isInstanceOf(SealedStateException.class)
                .hasMessageContaining("cannot unwrap its data key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dataKey).doesNotContain(keyRef).doesNotContain(LINEAGE));
        assertThat(sealer.toString()).doesNotContain(dataKey).doesNotContain(keyRef);
    }

    @Test
    void the_orchestrator_may_use_the_state_key_but_not_rotate_configure_or_encrypt_with_it() {
        var asOrchestrator = new Transit(session.client(), "baozi-transit");
        OpenBaoApi api = session.client();

        assertThat(asOrchestrator.latestVersion(OrchestratorAccess.STATE_KEY)).isPositive();
        var key = asOrchestrator.dataKey(OrchestratorAccess.STATE_KEY, 256, "the test");
        assertThat(asOrchestrator.unwrap(OrchestratorAccess.STATE_KEY, key.wrapped(), "the test")).isEqualTo(key.plaintext());
        for (var call : List.of(
                Map.entry("keys/baozi-state/rotate", JSON.createObjectNode()),
                Map.entry("keys/baozi-state/config", JSON.createObjectNode().put("deletion_allowed", true)),
                Map.entry("keys/baozi-state", JSON.createObjectNode()),
                Map.entry("encrypt/baozi-state", JSON.createObjectNode().put("plaintext", "aGk=")))) {
            assertThat(api.send("POST", "baozi-transit/" + call.getKey(), call.getValue()).status())
                    .as("POST " + call.getKey()).isEqualTo(403);
        }
        assertThat(api.send("GET", "baozi-transit/export/encryption-key/baozi-state", null).status()).isEqualTo(403);
    }
}
