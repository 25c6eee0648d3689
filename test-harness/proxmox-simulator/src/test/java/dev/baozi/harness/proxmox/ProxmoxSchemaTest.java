package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator serves nothing PVE does not: every route and method it answers is in PVE's published
 * API schema, and every parameter it accepts is declared there for that route, with the same type and
 * the same required-ness. The route table is read from a running simulator, so a new route is checked
 * without touching this test.
 */
class ProxmoxSchemaTest {

    private static final String SCHEMA = "/proxmox/pve-api-schema.json.gz";

    private static ProxmoxSimulator sim;
    private static JsonNode paths;

    @BeforeAll
    static void load() throws IOException {
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults());
        try (InputStream in = new GZIPInputStream(ProxmoxSchemaTest.class.getResourceAsStream(SCHEMA))) {
            paths = new ObjectMapper().readTree(in).get("paths");
        }
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void the_schema_copy_is_the_one_its_readme_names() throws Exception {
        try (InputStream in = ProxmoxSchemaTest.class.getResourceAsStream(SCHEMA)) {
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
            assertThat(sha256).isEqualTo("4e4fc9b5b0146627542a3988081b4ec3c785b3008b3a1499dd8c3c185be9a9db");
        }
        assertThat(paths.size()).isEqualTo(449);
    }

    @Test
    void every_route_the_simulator_serves_is_in_pves_schema() {
        List<String> missing = new ArrayList<>();
        for (ApiRoute route : sim.routes()) {
            JsonNode path = paths.get(route.path());
            if (path == null || !path.has(route.method())) {
                missing.add(route.method() + " " + route.path());
            }
        }
        assertThat(missing).as("routes PVE's schema does not have").isEmpty();
        assertThat(sim.routes()).hasSizeGreaterThan(40);
    }

    @Test
    void every_parameter_the_simulator_accepts_is_declared_for_its_route_with_the_same_type() {
        List<String> wrong = new ArrayList<>();
        for (ApiRoute route : sim.routes()) {
            JsonNode method = paths.path(route.path()).path(route.method());
            JsonNode declared = method.path("parameters").path("properties");
            for (Param p : route.params()) {
                JsonNode schema = declared.get(p.name());
                String where = route.method() + " " + route.path() + " " + p.name();
                if (schema == null) {
                    wrong.add(where + ": not in the schema");
                    continue;
                }
                if (!schema.path("type").asText().equals(p.type().schemaName())) {
                    wrong.add(where + ": simulator says " + p.type().schemaName() + ", schema says " + schema.path("type").asText());
                }
                boolean optional = schema.path("optional").asInt(0) == 1;
                if (optional != p.optional()) {
                    wrong.add(where + ": simulator says " + (p.optional() ? "optional" : "required") + ", schema says "
                            + (optional ? "optional" : "required"));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void every_path_parameter_of_a_route_is_a_declared_parameter() {
        List<String> wrong = new ArrayList<>();
        for (ApiRoute route : sim.routes()) {
            var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(route.path());
            while (m.find()) {
                String name = m.group(1);
                if (route.params().stream().noneMatch(p -> p.name().equals(name))) {
                    wrong.add(route.method() + " " + route.path() + ": {" + name + "} is not among its parameters");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void the_vm_options_cover_every_option_pve_declares_for_a_config_update() {
        JsonNode declared = paths.path("/nodes/{node}/qemu/{vmid}/config").path("PUT").path("parameters").path("properties");
        List<String> missing = new ArrayList<>();
        declared.fieldNames().forEachRemaining(name -> {
            boolean control = QemuController.CONTROL.contains(name);
            boolean option = QemuConfig.OPTIONS.stream().anyMatch(p -> p.name().equals(name));
            if (!control && !option) {
                missing.add(name);
            }
        });
        assertThat(missing).as("VM options PVE accepts that the simulator would refuse").isEmpty();
    }
}
