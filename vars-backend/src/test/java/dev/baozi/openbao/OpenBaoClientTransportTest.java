package dev.baozi.openbao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport where no OpenBao is needed to show it: nothing listening is unavailability, and
 * the CA file a connection names is read when the client is made. What OpenBao's own answers
 * become is shown against a real server in the test harness ({@code OpenBaoClientTest}).
 */
class OpenBaoClientTransportTest {

    @TempDir
    Path dir;

    private static URI closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void nothing_listening_is_unavailable_naming_the_call_and_address_but_not_the_token_or_query() throws IOException {
        URI address = closedPort();
        var client = new OpenBaoClient(OpenBaoConnection.of(address, Duration.ofSeconds(2)), () -> "hvs.not-to-be-printed");

        assertThatThrownBy(() -> client.send("GET", "baozi/data/x?version=3", null))
                .isInstanceOf(OpenBaoUnavailableException.class)
                .hasMessageStartingWith("GET baozi/data/x: OpenBao at " + address + " did not answer")
                .hasMessageNotContaining("hvs.not-to-be-printed")
                .hasMessageNotContaining("version=3");
    }

    @Test
    void a_kv_read_with_nothing_listening_is_unavailable_not_empty() throws IOException {
        var kv = new KvV2(new OpenBaoClient(OpenBaoConnection.of(closedPort(), Duration.ofSeconds(2)), () -> null), "baozi");

        assertThatThrownBy(() -> kv.read("states/x/current")).isInstanceOf(OpenBaoUnavailableException.class);
    }

    @Test
    void a_client_with_another_token_talks_to_the_same_server() throws IOException {
        var client = new OpenBaoClient(OpenBaoConnection.of(closedPort(), Duration.ofSeconds(2)), () -> "one");

        assertThat(client.withToken("two").address()).isEqualTo(client.address());
    }

    @Test
    void a_ca_file_without_a_certificate_is_refused_naming_the_file() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        var connection = new OpenBaoConnection(URI.create("https://bao.example:8200"), Optional.of(ca), Duration.ofSeconds(2));

        assertThatThrownBy(() -> new OpenBaoClient(connection, () -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ca.toString());
    }

    @Test
    void a_missing_ca_file_is_refused_naming_the_file() {
        Path ca = dir.resolve("absent.pem");
        var connection = new OpenBaoConnection(URI.create("https://bao.example:8200"), Optional.of(ca), Duration.ofSeconds(2));

        assertThatThrownBy(() -> new OpenBaoClient(connection, () -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reading the OpenBao CA certificate file " + ca);
    }

    @Test
    void a_pem_ca_certificate_gives_a_client_that_trusts_it() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), selfSignedPem());
        var connection = new OpenBaoConnection(URI.create("https://bao.example:8200"), Optional.of(ca), Duration.ofSeconds(2));

        assertThat(OpenBaoClient.trusting(ca).getProtocol()).isEqualTo("TLS");
        assertThat(new OpenBaoClient(connection, () -> null).address()).isEqualTo(connection.address());
    }

    private static String selfSignedPem() throws Exception {
        var keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
        var name = new X500Name("CN=test-ca");
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(Instant.now()),
                Date.from(Instant.now().plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        var out = new StringWriter();
        try (var pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaX509CertificateConverter().getCertificate(holder));
        }
        return out.toString();
    }
}
