package dev.baozi.orchestrator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.orchestrator.config.ConfigLoader;
import dev.baozi.orchestrator.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part that refuses a setting the config loader accepted fails start-up under that part's own setting. */
class OrchestratorWiringTest {

    @TempDir
    Path dir;

    private void wire(Map<String, String> extra) throws IOException {
        var settings = new HashMap<String, String>();
        settings.put("BAOZI_DB_URL", "jdbc:h2:mem:wiring-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        settings.put("BAOZI_OPENBAO_ADDRESS", "http://127.0.0.1:1");
        settings.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", "unused");
        settings.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", "unused");
        settings.putAll(extra);
        var config = ConfigLoader.load(null, Map.copyOf(settings));
        try (Database database = Database.open(config.database())) {
            var openbao = new OpenBaoClient(config.openbao().connection(), () -> "no-token");
            Orchestrator.wire(config, database, openbao, Clock.systemUTC(), () -> "http://127.0.0.1:1", "1.12.6",
                    dir.resolve("unused.tfrc.json"));
        }
    }

    @Test
    void an_octodns_base_configuration_that_does_not_parse_is_reported_as_dns_base_config() throws IOException {
        Path base = Files.writeString(dir.resolve("baozi.yaml"), "- a list, not a mapping\n");

        assertThatThrownBy(() -> wire(Map.of("BAOZI_DNS_ZONES", "example.org", "BAOZI_DNS_BASE_CONFIG", base.toString())))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("dns.base-config: ")
                .hasMessageContaining("is not a YAML mapping");
    }

    @Test
    void a_netbox_url_netbox_cannot_be_reached_at_is_reported_as_netbox_url_not_as_dns() throws IOException {
        Path token = Files.writeString(dir.resolve("netbox-token"), "nbt_unused\n");

        assertThatThrownBy(() -> wire(Map.of("BAOZI_NETBOX_URL", "http://netbox.example:99999",
                "BAOZI_NETBOX_TOKEN_FILE", token.toString())))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("netbox.url: ");
    }
}
