package dev.baozi.orchestrator.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS settings: fingerprints in the forms people paste, CA PEM text, and the pinned trust manager. */
class TlsSettingsTest {

    /** A self-signed test CA (P-256, valid until 2126) and its SHA-256 as openssl prints it. */
    static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBhzCCAS2gAwIBAgIUc7M226HBllgnqhiHvfrL1CB273wwCgYIKoZIzj0EAwIw
            GDEWMBQGA1UEAwwNQmFvemkgVGVzdCBDQTAgFw0yNjExMjIwODU0NTdaGA8yMTI2
            MTAyOTA4NTQ1N1owGDEWMBQGA1UEAwwNQmFvemkgVGVzdCBDQTBZMBMGByqGSM49
            AgEGCCqGSM49AwEHA0IABD4zPecVHMyx3B+1YP4fIw+Y/irKW9XtClwdP8ZHQCk9
            lT9vnTiUHb/fKDhflswblJcG+ZQIKLppyfWKSs7x+T2jUzBRMB0GA1UdDgQWBBTk
            Xid0xn/rqeQopSRwKRq8+zxZRzAfBgNVHSMEGDAWgBTkXid0xn/rqeQopSRwKRq8
            +zxZRzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCWQyDk4qO9
            OqZuIb54eYKLaqqFezx4VQ0h8l0sub+vQgIgQ2le6CsEEGP313afCP6+O1s2/zQo
            FSmNjOxxa9PJepE=
            -----END CERTIFICATE-----
            """;
    static final String CA_SHA256 =
            "8F:A2:16:E9:14:3D:E4:13:CD:DA:92:19:C0:18:C3:BC:82:B1:39:C7:E6:AB:F9:B4:82:2C:6B:89:28:CC:14:42";

    @ParameterizedTest
    @ValueSource(strings = {
            "8F:A2:16:E9:14:3D:E4:13:CD:DA:92:19:C0:18:C3:BC:82:B1:39:C7:E6:AB:F9:B4:82:2C:6B:89:28:CC:14:42",
            "8f:a2:16:e9:14:3d:e4:13:cd:da:92:19:c0:18:c3:bc:82:b1:39:c7:e6:ab:f9:b4:82:2c:6b:89:28:cc:14:42",
            "8fa216e9143de413cdda9219c018c3bc82b139c7e6abf9b4822c6b8928cc1442",
            "  8F A2 16 E9 14 3D E4 13 CD DA 92 19 C0 18 C3 BC 82 B1 39 C7 E6 AB F9 B4 82 2C 6B 89 28 CC 14 42\n",
            "sha256 Fingerprint=8F:A2:16:E9:14:3D:E4:13:CD:DA:92:19:C0:18:C3:BC:82:B1:39:C7:E6:AB:F9:B4:82:2C:6B:89:28:CC:14:42",
            "SHA256:8fa216e9143de413cdda9219c018c3bc82b139c7e6abf9b4822c6b8928cc1442"})
    void a_fingerprint_in_any_common_form_is_normalised_to_pves_upper_case_colon_form(String pasted) {
        assertThat(TlsSettings.fingerprint(pasted).sha256()).isEqualTo(CA_SHA256);
    }

    @Test
    void a_fingerprint_of_the_wrong_length_is_refused_saying_how_long_it_was() {
        assertThatThrownBy(() -> TlsSettings.fingerprint("8F:A2:16"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes").hasMessageContaining("got 3 bytes");
        assertThatThrownBy(() -> TlsSettings.fingerprint(CA_SHA256 + ":00")).hasMessageContaining("got 33 bytes");
    }

    @Test
    void a_fingerprint_with_a_non_hex_character_is_refused_naming_it() {
        assertThatThrownBy(() -> TlsSettings.fingerprint(CA_SHA256.replace("8F", "8G")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'G'");
    }

    @Test
    void a_blank_fingerprint_is_refused() {
        assertThatThrownBy(() -> TlsSettings.fingerprint("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fingerprint is needed");
    }

    @Test
    void a_ca_pem_is_read_into_its_certificates() {
        var ca = new TlsSettings.CaCertificate(CA_PEM);

        assertThat(ca.certificates()).hasSize(1);
        assertThat(ca.certificates().getFirst().getSubjectX500Principal().getName()).isEqualTo("CN=Baozi Test CA");
        assertThat(ca.mode()).isEqualTo("ca");
        assertThat(ca.describe()).contains("CN=Baozi Test CA");
    }

    @Test
    void text_that_is_not_a_pem_certificate_is_refused_as_a_ca() {
        assertThatThrownBy(() -> new TlsSettings.CaCertificate("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEGIN CERTIFICATE");
        assertThatThrownBy(() -> new TlsSettings.CaCertificate("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a readable X.509 certificate");
    }

    @Test
    void each_setting_names_its_mode() {
        assertThat(new TlsSettings.SystemTrust().mode()).isEqualTo("system");
        assertThat(TlsSettings.fingerprint(CA_SHA256).mode()).isEqualTo("fingerprint");
        assertThat(new TlsSettings.Insecure().mode()).isEqualTo("insecure");
    }

    @Test
    void the_pinned_trust_manager_accepts_exactly_the_pinned_certificate() throws Exception {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(CA_PEM.getBytes(StandardCharsets.US_ASCII)));
        var right = new TlsTrust.PinnedTrust(TlsSettings.fingerprint(CA_SHA256));
        var wrong = new TlsTrust.PinnedTrust(TlsSettings.fingerprint(CA_SHA256.replace("8F:A2", "00:00")));

        assertThat(TlsTrust.fingerprint(cert)).isEqualTo(CA_SHA256);
        right.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
        assertThatThrownBy(() -> wrong.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
                .isInstanceOf(java.security.cert.CertificateException.class)
                .hasMessageContaining("has SHA-256 fingerprint " + CA_SHA256).hasMessageContaining("not the pinned 00:00:16");
    }
}
