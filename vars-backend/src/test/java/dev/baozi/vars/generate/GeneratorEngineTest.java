package dev.baozi.vars.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.vars.definition.DefinitionLoader;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.openbao.OpenBaoApi;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorEngineTest {

    private static final OpenBaoApi NO_OPENBAO = (method, path, body, headers) -> {
        throw new AssertionError("no OpenBao call expected, got " + method + " " + path);
    };

    private final GeneratorEngine engine = new GeneratorEngine(new SecureRandom(), Clock.systemUTC(), NO_OPENBAO,
            new ScriptRunner());

    private static GeneratorSet set(String json) {
        return DefinitionLoader.fromJson("test", json);
    }

    private static GeneratorDefinition only(String json) {
        return set(json).ordered().getFirst();
    }

    @Test
    void a_password_has_the_length_and_only_the_alphabet_asked_for() {
        var files = engine.generate(only("""
                {"generators": {"p": {"kind": "password", "params": {"length": 64, "alphabet": "ab"}}}}"""), GeneratorInput.none());

        assertThat(files.get("password").text()).hasSize(64).matches("[ab]+").contains("a").contains("b");
    }

    @Test
    void tokens_hold_the_number_of_random_bytes_asked_for() {
        var hex = engine.generate(only("""
                {"generators": {"t": {"kind": "hex-token", "params": {"bytes": 16}}}}"""), GeneratorInput.none());
        var b64 = engine.generate(only("""
                {"generators": {"t": {"kind": "base64-token", "params": {"bytes": 48}}}}"""), GeneratorInput.none());

        assertThat(hex.get("token").text()).matches("[0-9a-f]{32}");
        assertThat(Base64.getDecoder().decode(b64.get("token").text())).hasSize(48);
    }

    @Test
    void a_certificate_signed_by_the_ca_generator_verifies_against_the_cas_key() throws Exception {
        GeneratorSet set = set("""
                {"generators": {
                  "ca": {"kind": "ca", "params": {"subject": "CN=Shop CA,O=Shop", "key_type": "ec-p384"}},
                  "web": {"kind": "ca-signed-certificate", "params": {"ca": "ca", "subject": "web.shop.example",
                          "sans": ["web.shop.example", "192.0.2.7"], "validity_days": 30, "key_type": "rsa-2048"}}
                }}""");
        var ca = engine.generate(set.get(GeneratorName.of("ca")), GeneratorInput.none());
        var web = engine.generate(set.get(GeneratorName.of("web")),
                new GeneratorInput(Map.of(), Map.of(GeneratorName.of("ca"), ca)));

        X509Certificate caCert = Certificates.readCertificate(ca.get("cert.pem").text());
        X509Certificate cert = Certificates.readCertificate(web.get("cert.pem").text());
        caCert.verify(caCert.getPublicKey());
        cert.verify(caCert.getPublicKey());
        cert.checkValidity();
        assertThat(caCert.getBasicConstraints()).isZero();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=web.shop.example");
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .containsExactly("web.shop.example", "192.0.2.7");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(web.get("ca.pem")).isEqualTo(ca.get("cert.pem"));
        assertThat(web.get("key.pem").text()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void a_self_signed_certificate_signs_itself_and_is_no_ca() throws Exception {
        var files = engine.generate(only("""
                {"generators": {"tls": {"kind": "self-signed-certificate", "params": {"subject": "CN=app,O=Shop", "sans": ["app.example"]}}}}"""),
                GeneratorInput.none());

        X509Certificate cert = Certificates.readCertificate(files.get("cert.pem").text());
        cert.verify(cert.getPublicKey());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void persisted_prompts_become_files_and_missing_prompt_values_are_refused() {
        GeneratorDefinition g = only("""
                {"generators": {"admin": {"kind": "password", "prompts": {"email": {"persist": true}, "note": {}}}}}""");

        var files = engine.generate(g, new GeneratorInput(Map.of("email", FileValue.of("a@b.example"), "note", FileValue.of("n")),
                Map.of()));
        assertThat(files).containsOnlyKeys("password", "email");
        assertThat(files.get("email").text()).isEqualTo("a@b.example");
        assertThatThrownBy(() -> engine.generate(g, GeneratorInput.none()))
                .isInstanceOf(GenerationException.class)
                .hasMessage("generating admin: prompt email (email) has no value");
    }

    @Test
    void values_never_show_in_their_text_form() {
        FileValue secret = FileValue.of("hunter2-very-secret");

        assertThat(secret.toString()).doesNotContain("hunter2").contains("hidden");
        assertThat(List.of(secret).toString()).doesNotContain("hunter2");
        assertThat(new GeneratorInput(Map.of("p", secret), Map.of()).toString()).doesNotContain("hunter2");
    }
}
