package dev.baozi.orchestrator.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The create body: every problem named by its field, the secret never quoted, TLS read as one choice. */
class ProviderRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "9d1f0c3a-7777-8888-9999-aaaabbbbcccc";
    private static final String FINGERPRINT =
            "8F:A2:16:E9:14:3D:E4:13:CD:DA:92:19:C0:18:C3:BC:82:B1:39:C7:E6:AB:F9:B4:82:2C:6B:89:28:CC:14:42";

    private static ObjectNode body() {
        ObjectNode b = JSON.createObjectNode();
        b.put("name", "lab-1");
        b.put("endpoint", "https://pve.example:8006");
        b.put("token_id", "baozi@pve!orchestrator");
        b.put("token_secret", SECRET);
        b.putObject("tls").put("fingerprint", FINGERPRINT.toLowerCase());
        b.put("default_node", "pve1");
        return b;
    }

    private static ProviderRequest.Parsed.Valid valid(JsonNode body) {
        var parsed = ProviderRequest.parse(body);
        assertThat(parsed).isInstanceOf(ProviderRequest.Parsed.Valid.class);
        return (ProviderRequest.Parsed.Valid) parsed;
    }

    private static List<String> problems(JsonNode body) {
        var parsed = ProviderRequest.parse(body);
        assertThat(parsed).isInstanceOf(ProviderRequest.Parsed.Invalid.class);
        return ((ProviderRequest.Parsed.Invalid) parsed).problems();
    }

    @Test
    void a_complete_body_is_read_with_the_fingerprint_normalised_and_checking_on_by_default() {
        var v = valid(body());

        assertThat(v.check()).isTrue();
        assertThat(v.provider().name()).isEqualTo("lab-1");
        assertThat(v.provider().endpoint()).isEqualTo(URI.create("https://pve.example:8006"));
        assertThat(v.provider().token().tokenId()).isEqualTo("baozi@pve!orchestrator");
        assertThat(v.provider().tls()).isEqualTo(new TlsSettings.PinnedFingerprint(FINGERPRINT));
        assertThat(v.provider().defaultNode()).isEqualTo("pve1");
        assertThat(v.provider().templateVmid()).isEmpty();
        assertThat(v.provider().toString()).doesNotContain(SECRET);
    }

    @Test
    void the_api_path_and_a_trailing_slash_are_dropped_from_the_endpoint() {
        var b = body().put("endpoint", "https://pve.example:8006/api2/json/");

        assertThat(valid(b).provider().endpoint()).isEqualTo(URI.create("https://pve.example:8006"));
    }

    @Test
    void every_missing_field_is_named() {
        assertThat(problems(JSON.createObjectNode())).containsExactly("name: missing", "endpoint: missing", "token_id: missing",
                "token_secret: missing", "default_node: missing");
    }

    @Test
    void each_bad_field_is_a_problem_naming_it_and_none_quotes_the_secret() {
        var b = body();
        b.put("name", "Lab_1");
        b.put("endpoint", "http://pve.example:8006");
        b.put("token_id", "root@pam");
        b.put("token_secret", SECRET + " with space");
        b.put("default_node", "-bad-");
        b.put("template_vmid", 42);
        b.put("check", "yes");
        b.put("fingerprint", FINGERPRINT);

        List<String> problems = problems(b);

        assertThat(problems).hasSize(8);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("name: provider names are 1 to 40"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("endpoint: must be the https:// URL"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("token_id: a token id looks like user@realm!tokenid"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("token_secret: the token secret must be"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("default_node: "));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("template_vmid: must be a PVE VM id"));
        assertThat(problems).anySatisfy(p -> assertThat(p).isEqualTo("check: must be true or false"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("fingerprint: not a provider setting"));
        assertThat(String.join("\n", problems)).doesNotContain(SECRET);
    }

    @Test
    void no_tls_object_means_the_jdks_trusted_cas() {
        var b = body();
        b.remove("tls");

        assertThat(valid(b).provider().tls()).isEqualTo(new TlsSettings.SystemTrust());
        assertThat(valid(b.set("tls", JSON.createObjectNode())).provider().tls()).isEqualTo(new TlsSettings.SystemTrust());
    }

    @Test
    void insecure_must_be_asked_for_with_true() {
        var b = body();
        b.putObject("tls").put("insecure", true);
        assertThat(valid(b).provider().tls()).isEqualTo(new TlsSettings.Insecure());

        b.putObject("tls").put("insecure", false);
        assertThat(valid(b).provider().tls()).isEqualTo(new TlsSettings.SystemTrust());

        b.putObject("tls").put("insecure", "true");
        assertThat(problems(b)).containsExactly("tls.insecure: must be true or false");
    }

    @Test
    void two_tls_choices_at_once_are_refused() {
        var b = body();
        b.putObject("tls").put("fingerprint", FINGERPRINT).put("insecure", true);

        assertThat(problems(b)).containsExactly("tls: give only one of ca_pem, fingerprint or insecure: true");
    }

    @Test
    void a_bad_fingerprint_or_ca_and_an_unknown_tls_key_are_named_under_tls() {
        var b = body();
        b.putObject("tls").put("fingerprint", "AA:BB");
        assertThat(problems(b)).singleElement().asString().startsWith("tls.fingerprint: a SHA-256 fingerprint is 32 bytes");

        b.putObject("tls").put("ca_pem", "not pem");
        assertThat(problems(b)).singleElement().asString().startsWith("tls.ca_pem: a CA certificate must be PEM text");

        b.putObject("tls").put("verify", false);
        assertThat(problems(b)).singleElement().asString().startsWith("tls.verify: not a TLS setting");
    }

    @Test
    void check_false_and_a_template_are_read() {
        var v = valid(body().put("check", false).put("template_vmid", 9000));

        assertThat(v.check()).isFalse();
        assertThat(v.provider().templateVmid()).hasValue(9000);
    }

    @Test
    void backups_go_to_storage_local_unless_backup_storage_names_another_and_a_bad_one_is_named() {
        assertThat(valid(body()).provider().backupStorage()).isEqualTo("local");
        assertThat(valid(body().put("backup_storage", "shared-backup")).provider().backupStorage()).isEqualTo("shared-backup");
        assertThat(problems(body().put("backup_storage", "not a storage"))).singleElement().asString()
                .startsWith("backup_storage: a storage id is a letter, then up to 99 letters");
        assertThat(problems(body().put("backup_storage", 7))).singleElement().asString().startsWith("backup_storage:");
    }

    @Test
    void a_body_that_is_not_an_object_is_one_problem() {
        assertThat(problems(JSON.valueToTree(List.of(Map.of("name", "x"))))).singleElement().asString()
                .startsWith("the body must be a JSON object");
    }
}
