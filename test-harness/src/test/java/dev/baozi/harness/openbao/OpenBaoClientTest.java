package dev.baozi.harness.openbao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.openbao.CasWrite;
import dev.baozi.openbao.KvMetadata;
import dev.baozi.openbao.KvMetadata.VersionState;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.openbao.OpenBaoUnavailableException;
import dev.baozi.openbao.SealState;
import dev.baozi.openbao.Transit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The one OpenBao client against a real dev server: what each KV v2, transit and transport call
 * makes of OpenBao's answers (entries, versions, metadata, check-and-set results) and which
 * failures are refusals and which are unavailability.
 */
@Tag("openbao")
class OpenBaoClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static OpenBaoServer bao;
    private static OpenBaoClient root;
    private static KvV2 kv;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        TestStack.access(bao).provision(Duration.ofHours(1), Duration.ofHours(24));
        root = new OpenBaoClient(OpenBaoConnection.of(bao.address(), Duration.ofSeconds(5)), bao::devRootToken);
        kv = new KvV2(root, TestStack.KV_MOUNT);
    }

    @AfterAll
    static void stop() {
        bao.close();
    }

    private static String path() {
        return "client-test/p" + COUNTER.incrementAndGet();
    }

    private static ObjectNode value(String v) {
        return JSON.createObjectNode().put("v", v);
    }

    @Test
    void a_read_gives_the_latest_or_the_asked_version_and_nothing_for_a_missing_path() {
        String path = path();
        long first = kv.put(path, value("one"));
        long second = kv.put(path, value("two"));

        assertThat(kv.read(path).orElseThrow().text("v")).isEqualTo("two");
        assertThat(kv.read(path).orElseThrow().version()).isEqualTo(second);
        assertThat(kv.read(path, first).orElseThrow().text("v")).isEqualTo("one");
        assertThat(kv.read(path + "-missing")).isEmpty();
        assertThat(kv.read(path, 99)).isEmpty();
    }

    @Test
    void a_check_and_set_write_against_a_stale_version_is_moved_and_writes_nothing() {
        String path = path();
        CasWrite created = kv.write(path, value("one"), 0);
        CasWrite again = kv.write(path, value("other"), 0);
        CasWrite next = kv.write(path, value("two"), 1);
        CasWrite stale = kv.write(path, value("late"), 1);

        assertThat(created).isEqualTo(new CasWrite.Written(1));
        assertThat(again).isInstanceOf(CasWrite.Moved.class);
        assertThat(next).isEqualTo(new CasWrite.Written(2));
        assertThat(stale).isInstanceOf(CasWrite.Moved.class);
        assertThat(kv.read(path).orElseThrow().text("v")).isEqualTo("two");
    }

    @Test
    void latest_of_a_path_whose_newest_version_is_deleted_is_empty_but_keeps_that_versions_number() {
        String path = path();
        kv.put(path, value("one"));
        kv.put(path, value("two"));
        kv.deleteLatest(path);

        KvV2.Latest latest = kv.latest(path);
        KvV2.Latest never = kv.latest(path + "-missing");

        assertThat(latest.entry()).isEmpty();
        assertThat(latest.version()).isEqualTo(2);
        assertThat(kv.write(path, value("three"), latest.version())).isEqualTo(new CasWrite.Written(3));
        assertThat(never.entry()).isEmpty();
        assertThat(never.version()).isZero();
    }

    @Test
    void metadata_shows_each_kept_version_as_live_deleted_or_destroyed() {
        String path = path();
        kv.put(path, value("one"));
        kv.put(path, value("two"));
        kv.put(path, value("three"));
        kv.setMaxVersions(path, 5);
        kv.destroy(path, List.of(1L));
        kv.deleteLatest(path);

        KvMetadata metadata = kv.metadata(path).orElseThrow();

        assertThat(metadata.currentVersion()).isEqualTo(3);
        assertThat(metadata.maxVersions()).isEqualTo(5);
        assertThat(metadata.versions().keySet()).containsExactly(1L, 2L, 3L);
        assertThat(metadata.state(1)).isEqualTo(VersionState.DESTROYED);
        assertThat(metadata.state(2)).isEqualTo(VersionState.LIVE);
        assertThat(metadata.state(3)).isEqualTo(VersionState.DELETED);
        assertThat(metadata.state(4)).as("a version never written or no longer kept").isEqualTo(VersionState.DESTROYED);
        assertThat(metadata.versions().get(2L).created()).isBeforeOrEqualTo(metadata.versions().get(3L).created());
        assertThat(kv.metadata(path + "-missing")).isEmpty();

        kv.undelete(path, List.of(3L));
        assertThat(kv.metadata(path).orElseThrow().state(3)).isEqualTo(VersionState.LIVE);
        assertThat(kv.read(path).orElseThrow().text("v")).isEqualTo("three");
    }

    @Test
    void a_listing_names_keys_and_sub_folders_and_is_empty_for_a_missing_folder() {
        String folder = path();
        kv.put(folder + "/a", value("a"));
        kv.put(folder + "/sub/b", value("b"));

        assertThat(kv.list(folder + "/")).containsExactlyInAnyOrder("a", "sub/");
        assertThat(kv.list(folder + "-missing/")).isEmpty();
    }

    @Test
    void deleting_all_removes_every_version_and_a_missing_path_is_no_error() {
        String path = path();
        kv.put(path, value("one"));
        kv.put(path, value("two"));

        kv.deleteAll(path);
        kv.deleteAll(path);

        assertThat(kv.read(path, 1)).isEmpty();
        assertThat(kv.metadata(path)).isEmpty();
    }

    @Test
    void a_transit_data_key_unwraps_to_the_same_plaintext() {
        var transit = new Transit(root, "baozi-transit");
        transit.createKey("baozi-plans");
        transit.createKey("baozi-plans");

        Transit.DataKey key = transit.dataKey("baozi-plans", 256, "a test");

        assertThat(key.plaintext()).hasSize(32);
        assertThat(key.wrapped()).startsWith("vault:v1:");
        assertThat(transit.unwrap("baozi-plans", key.wrapped(), "a test")).isEqualTo(key.plaintext());
        assertThat(key.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(key.plaintext()));
    }

    @Test
    void a_call_the_token_may_not_make_is_refused_with_openbaos_status_and_no_token_in_the_message() {
        try (OpenBaoSession session = TestSupport.login(bao)) {
            var elsewhere = new KvV2(session.client(), "secret");

            assertThatThrownBy(() -> elsewhere.put("probe", value("x")))
                    .isInstanceOfSatisfying(OpenBaoRefusedException.class, e -> assertThat(e.status()).isEqualTo(403))
                    .hasMessageStartingWith("writing secret/probe: OpenBao answered HTTP 403")
                    .hasMessageNotContaining(session.token());
            assertThatThrownBy(() -> new Transit(session.client(), "baozi-transit").createKey("other-key"))
                    .isInstanceOf(OpenBaoRefusedException.class)
                    .hasMessageContaining("HTTP 403");
        }
    }

    @Test
    void a_sealed_openbao_is_unavailable_and_its_seal_status_says_sealed() {
        try (OpenBaoServer sealed = OpenBaoServer.startDev(TestSupport.workDir())) {
            var client = new OpenBaoClient(OpenBaoConnection.of(sealed.address(), Duration.ofSeconds(5)), sealed::devRootToken);
            var secret = new KvV2(client, "secret");
            secret.put("probe", value("x"));
            assertThat(OpenBaoSession.sealState(client.connection())).isInstanceOf(SealState.Unsealed.class);

            sealed.rootAdmin().seal();

            assertThatThrownBy(() -> secret.read("probe"))
                    .isInstanceOf(OpenBaoUnavailableException.class)
                    .hasMessageStartingWith("reading secret/probe: OpenBao answered HTTP 503");
            assertThat(OpenBaoSession.sealState(client.connection())).isInstanceOf(SealState.Sealed.class);
        }
    }

    @Test
    void an_openbao_served_over_tls_is_reached_with_the_connections_ca_and_not_without_it() {
        try (OpenBaoServer tls = OpenBaoServer.startDevTls(TestSupport.workDir())) {
            var trusting = new OpenBaoClient(new OpenBaoConnection(tls.address(), Optional.of(tls.caCert()), Duration.ofSeconds(5)),
                    tls::devRootToken);
            var jvmTrustOnly = new OpenBaoClient(OpenBaoConnection.of(tls.address(), Duration.ofSeconds(5)), tls::devRootToken);

            new KvV2(trusting, "secret").put("probe", value("x"));

            assertThat(new KvV2(trusting, "secret").read("probe").orElseThrow().text("v")).isEqualTo("x");
            assertThat(OpenBaoSession.sealState(trusting.connection())).isInstanceOf(SealState.Unsealed.class);
            assertThatThrownBy(() -> new KvV2(jvmTrustOnly, "secret").read("probe"))
                    .isInstanceOf(OpenBaoUnavailableException.class)
                    .hasMessageContaining("did not answer (SSLHandshakeException)");
        }
    }

    @Test
    void a_stopped_openbao_is_unavailable_naming_its_address() {
        OpenBaoServer stopped = OpenBaoServer.startDev(TestSupport.workDir());
        var client = new OpenBaoClient(OpenBaoConnection.of(stopped.address(), Duration.ofSeconds(2)), stopped::devRootToken);
        String token = stopped.devRootToken();
        stopped.close();

        assertThatThrownBy(() -> new KvV2(client, "secret").read("probe", 3))
                .isInstanceOf(OpenBaoUnavailableException.class)
                .hasMessageStartingWith("GET secret/data/probe: OpenBao at " + stopped.address() + " did not answer")
                .hasMessageNotContaining(token);
        assertThat(OpenBaoSession.sealState(client.connection())).isInstanceOf(SealState.Unreachable.class);
    }
}
