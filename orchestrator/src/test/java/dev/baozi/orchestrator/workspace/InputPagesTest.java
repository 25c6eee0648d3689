package dev.baozi.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the inputs form is read and filled: by each variable's type, secrets never quoted back. */
class InputPagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Template template() {
        return DemoTemplate.template();
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    @Test
    void the_inputs_form_reads_each_field_by_its_variables_type() {
        var parsed = InputPagesController.parse(template(), form("names", "[\"a\", \"b\"]", "greeting", "hi", "count", "2.5",
                "enabled", "false", "secret_note", "s3cret"), false);

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.values().toString())
                .isEqualTo("{\"names\":[\"a\",\"b\"],\"greeting\":\"hi\",\"count\":2.5,\"enabled\":false,\"secret_note\":\"s3cret\"}");
    }

    @Test
    void a_field_that_cannot_be_read_is_an_error_beside_it_and_a_secrets_text_is_never_quoted_back() {
        var parsed = InputPagesController.parse(template(), form("names", "[\"a\", ", "count", "two", "enabled", "yes",
                "secret_map", "{\"k\": s3cret-canary"), false);

        assertThat(parsed.errors()).containsOnlyKeys("names", "count", "enabled", "secret_map");
        assertThat(parsed.errors().get("count")).isEqualTo("must be a number, not 'two'");
        assertThat(parsed.errors().get("names")).startsWith("must be JSON of type list(string)");
        assertThat(String.join(" ", parsed.errors().values())).doesNotContain("s3cret-canary");
    }

    @Test
    void editing_a_blank_field_resets_it_to_the_default_but_a_blank_secret_keeps_its_value() {
        var parsed = InputPagesController.parse(template(), form("greeting", "", "secret_note", "", "names", "[]"), true);

        assertThat(parsed.values().has("greeting")).isTrue();
        assertThat(parsed.values().get("greeting").isNull()).isTrue();
        assertThat(parsed.values().has("secret_note")).isFalse();
        assertThat(parsed.values().has("secret_map")).isFalse();
        assertThat(parsed.values().has("netbox_token")).as("a supplied variable is no field").isFalse();
    }

    @Test
    void the_services_problems_go_beside_the_fields_they_name_and_the_rest_above_the_form() {
        Map<String, String> errors = new HashMap<>();
        List<String> general = new ArrayList<>();

        InputPagesController.assign(List.of("variable names: required by template demo and missing",
                "variable count: must be number, got string", "name: workspace names are 1 to 63 characters",
                "provider: no providers are configured"), template(), errors, general);

        assertThat(errors).containsEntry("names", "required by template demo and missing")
                .containsEntry("count", "must be number, got string");
        assertThat(general).containsExactly("Name: workspace names are 1 to 63 characters.", "Provider: no providers are configured.");
    }

    @Test
    void a_sensitive_fields_current_value_is_never_put_in_the_form() throws Exception {
        var fields = InputPagesController.fields(template(), JSON.readTree("{\"secret_note\": \"s3cret\", \"greeting\": \"hi\"}"),
                null, Map.of());

        var secret = fields.stream().filter(f -> f.name().equals("secret_note")).findFirst().orElseThrow();
        assertThat(secret.value()).isEmpty();
        assertThat(secret.isSet()).isTrue();
        assertThat(secret.defaultText()).isEqualTo("(sensitive)");
        assertThat(fields.stream().filter(f -> f.name().equals("greeting")).findFirst().orElseThrow().value()).isEqualTo("hi");
        assertThat(fields).extracting(f -> f.name()).doesNotContain("netbox_token");
    }
}
