package dev.baozi.orchestrator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunStatus;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.TemplateVariable;
import dev.baozi.orchestrator.workspace.VariableType;
import dev.baozi.ui.view.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the pages: status vocabulary, inputs form reading, run of a state version, audit outcomes. */
class PagePartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_run_status_has_one_label_and_a_css_class_the_stylesheet_colours() throws IOException {
        String css;
        try (InputStream in = dev.baozi.ui.StaticAssets.class.getResourceAsStream("static/baozi.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> labels = new HashSet<>();
        for (RunStatus s : RunStatus.values()) {
            Status status = RunPagesController.status(s);
            assertThat(status.css()).isEqualTo("status-" + s.wire());
            assertThat(css).as(s + " has a colour").contains("." + status.css());
            assertThat(labels.add(status.label())).as("one label per status: " + status.label()).isTrue();
        }
        assertThat(RunPagesController.status(RunStatus.PLANNED).label()).isEqualTo("needs approval");
    }

    private static Template template() {
        return new Template("demo", Path.of("."), List.of(
                new TemplateVariable("names", VariableType.parse("list(string)"), null, false, "Names"),
                new TemplateVariable("greeting", VariableType.parse("string"), TextNode.valueOf("hello"), false, ""),
                new TemplateVariable("count", VariableType.parse("number"), IntNode.valueOf(1), false, ""),
                new TemplateVariable("enabled", VariableType.parse("bool"), null, false, ""),
                new TemplateVariable("secret_note", VariableType.parse("string"), TextNode.valueOf("x"), true, ""),
                new TemplateVariable("secret_map", VariableType.parse("map(string)"), null, true, ""),
                new TemplateVariable("netbox_token", VariableType.parse("string"), null, false, "")),
                List.of(), Map.of(), Map.of(), Optional.empty(), Set.of("netbox_token"), Optional.empty(), "sha");
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

    private static Run run(long id, OffsetDateTime started, OffsetDateTime finished) {
        return new Run(id, 1, "shop", RunStatus.APPLIED, false, List.of(), "user:olga", started, started, finished, null, null,
                null, null, null, null, null, null, null);
    }

    private static OffsetDateTime at(int minute) {
        return OffsetDateTime.of(2026, 12, 3, 8, minute, 0, 0, ZoneOffset.UTC);
    }

    private static StateVersion version(String who, OffsetDateTime when) {
        return new StateVersion(1, 1L, "l", 1, "sha", "md5", who, when.toInstant(), false);
    }

    @Test
    void a_state_version_links_to_the_run_under_way_when_the_runs_token_wrote_it_and_to_no_run_otherwise() {
        List<Run> runs = List.of(run(3, at(30), null), run(2, at(10), at(20)), run(1, at(0), at(5)));
        String runs_ = WorkspacePagesController.runWriter("shop");

        assertThat(WorkspacePagesController.runOf(version(runs_, at(15)), "shop", runs)).isEqualTo(2L);
        assertThat(WorkspacePagesController.runOf(version(runs_, at(31)), "shop", runs)).isEqualTo(3L);
        assertThat(WorkspacePagesController.runOf(version(runs_, at(25)), "shop", runs)).as("between runs").isNull();
        assertThat(WorkspacePagesController.runOf(version("state-token:shop/laptop", at(15)), "shop", runs))
                .as("someone else's write during a run").isNull();
        assertThat(WorkspacePagesController.runOf(version(runs_, at(15)), "other", runs)).isNull();
    }

    @Test
    void audit_outcomes_read_as_one_vocabulary_whatever_was_recorded() {
        assertThat(Arrays.asList("200", "201", "204", "ok").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("succeeded");
        assertThat(Arrays.asList("403", "401", "refused").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("refused");
        assertThat(Arrays.asList("409", "422", "404").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("rejected");
        assertThat(Arrays.asList("502", "errored").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("failed");
    }

    @Test
    void a_generated_file_shows_no_sensitive_input_nor_one_the_template_does_not_declare() throws Exception {
        var ws = new dev.baozi.orchestrator.workspace.Workspace(1, "shop", "demo", JSON.readTree(
                "{\"secret_note\": \"s3cret-canary\", \"greeting\": \"hi\", \"stray\": \"other-canary\"}"), "1.12.6", "user:olga",
                OffsetDateTime.now(), null);
        byte[] main = """
                {"module": {"demo": {"source": "./modules/demo", "secret_note": "s3cret-canary", "greeting": "hi",
                 "stray": "other-canary"}}}""".getBytes(StandardCharsets.UTF_8);

        String shown = WorkspacePagesController.masked("main.tf.json", main, ws, Optional.of(template()));

        assertThat(shown).doesNotContain("canary").contains("\"secret_note\" : \"(sensitive)\"").contains("\"greeting\" : \"hi\"");
        assertThat(WorkspacePagesController.masked("broken.json", "{\"module\": s3cret".getBytes(StandardCharsets.UTF_8), ws,
                Optional.of(template()))).doesNotContain("s3cret");
    }
}
