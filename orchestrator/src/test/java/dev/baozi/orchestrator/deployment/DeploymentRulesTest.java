package dev.baozi.orchestrator.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.TemplateCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DNS TTL a deployment asks for is read as the whole number it is, never wrapped or cut. */
class DeploymentRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> problems(String ttl) throws Exception {
        Template template = new TemplateCatalog(Path.of("..", "tf-modules").toAbsolutePath().normalize()).get("deployment").orElseThrow();
        var rules = new DeploymentRules(new ManagedZones(List.of("example.test")), Optional.empty(), List::of, 300);
        var inputs = JSON.readTree("{\"hostname\":\"web.example.test\",\"pool\":\"10.0.0.0/24\",\"dns_ttl\":" + ttl + "}");
        return rules.problems(template, inputs, "sim", "web");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967396", "60.5", "1e300", "-1", "29", "604801", "\"300\""})
    void a_dns_ttl_that_is_not_a_whole_number_in_range_is_a_problem_naming_it(String ttl) throws Exception {
        assertThat(problems(ttl)).anyMatch(p -> p.startsWith("dns_ttl: must be a whole number from 30 to 604800 seconds, got "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "300", "604800"})
    void a_dns_ttl_in_range_is_no_problem(String ttl) throws Exception {
        assertThat(problems(ttl)).noneMatch(p -> p.startsWith("dns_ttl"));
    }
}
