package dev.baozi.orchestrator.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values a remote migration is built from: PVE's wire forms, and no secret where it should not be. */
class RemoteMigrationValuesTest {

    private static final String SECRET = "0f1e2d3c-aaaa-bbbb-cccc-ddddeeeeffff";
    private static final ApiToken TOKEN = new ApiToken("baozi@pve!migrate", SECRET);
    private static final String FINGERPRINT = "ab".repeat(32);

    @Test
    void the_target_endpoint_is_pves_proxmox_remote_string_with_the_fingerprint_in_pves_form() {
        var endpoint = new RemoteEndpoint("pve-b.example", 8006, TOKEN, FINGERPRINT);

        assertThat(endpoint.fingerprint()).isEqualTo(String.join(":", java.util.Collections.nCopies(32, "AB")));
        assertThat(endpoint.wire()).isEqualTo("apitoken=PVEAPIToken=baozi@pve!migrate=" + SECRET
                + ",host=pve-b.example,port=8006,fingerprint=" + endpoint.fingerprint());
    }

    @Test
    void the_endpoints_text_form_names_host_token_id_and_fingerprint_but_never_the_secret() {
        var endpoint = new RemoteEndpoint("pve-b.example", 8006, TOKEN, FINGERPRINT);

        assertThat(endpoint.toString()).contains("pve-b.example:8006", "baozi@pve!migrate").doesNotContain(SECRET);
        assertThat(RemoteMigration.offline(endpoint, IdMap.all("local-lvm"), IdMap.all("vmbr0"), 200).toString())
                .doesNotContain(SECRET);
    }

    @Test
    void an_endpoint_with_a_short_fingerprint_or_a_host_that_would_break_the_property_string_is_refused() {
        assertThatThrownBy(() -> new RemoteEndpoint("pve-b", 8006, TOKEN, "AB:CD"))
                .hasMessageContaining("SHA-256 of its certificate (64 hex digits)");
        assertThatThrownBy(() -> new RemoteEndpoint("pve-b,port=1", 8006, TOKEN, FINGERPRINT))
                .hasMessageContaining("host is a name or address");
    }

    @Test
    void a_map_is_written_as_sorted_pairs_then_its_default() {
        var map = new IdMap(Map.of("local-lvm", "fast", "backup", "slow"), Optional.of("fast"));

        assertThat(map.wire()).isEqualTo("backup:slow,local-lvm:fast,fast");
        assertThat(IdMap.all("vmbr0").wire()).isEqualTo("vmbr0");
        assertThatThrownBy(() -> IdMap.of(Map.of())).hasMessageContaining("needs a pair or a default");
        assertThatThrownBy(() -> IdMap.all("1")).hasMessageContaining("starts with a letter");
    }
}
