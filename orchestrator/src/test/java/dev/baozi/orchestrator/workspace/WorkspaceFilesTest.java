package dev.baozi.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated directory: values as variable values, never as configuration; sensitive ones apart. */
class WorkspaceFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE = "${file(\"/etc/hostname\")} %{ if true }x%{ endif }";

    private static final Template TEMPLATE = new Template("app", Path.of("app"), List.of(
            new TemplateVariable("name", VariableType.parse("string"), null, false, ""),
            new TemplateVariable("tags", VariableType.parse("list(string)"), JSON.createArrayNode(), false, ""),
            new TemplateVariable("password", VariableType.parse("string"), null, true, ""),
            new TemplateVariable("address", VariableType.parse("string"), null, false, "")),
            List.of("url"), Map.of("main.tf.json", "{}".getBytes(StandardCharsets.UTF_8)), Map.of(), Optional.of("deployment"),
            Set.of("address"), Optional.empty(), "ab".repeat(32));

    private static JsonNode read(GeneratedFiles files, String name) throws Exception {
        return JSON.readTree(files.files().get(name));
    }

    private static GeneratedFiles generate(ObjectNode inputs, Supplied supplied) {
        Workspace ws = new Workspace(1, "shop", "app", JSON.createObjectNode(), "1.12.6", "olga", OffsetDateTime.now(), null);
        return WorkspaceFiles.generate(ws, inputs, TEMPLATE, "http://127.0.0.1:8080", supplied);
    }

    @Test
    void every_value_reaches_tofu_as_a_variable_value_and_configuration_only_names_it() throws Exception {
        ObjectNode inputs = JSON.createObjectNode().put("name", HOSTILE);
        inputs.putArray("tags").add(HOSTILE);
        Supplied supplied = new Supplied(Map.of("address", JSON.getNodeFactory().textNode("${path.cwd}")),
                List.of(new Supplied.Import("ip.this[0]", "42${x}")));

        GeneratedFiles files = generate(inputs, supplied);
        JsonNode main = read(files, "main.tf.json");
        JsonNode values = read(files, WorkspaceFiles.VALUES_FILE);

        assertThat(main.at("/module/app/name").asText()).isEqualTo("${var.name}");
        assertThat(main.at("/module/app/tags").asText()).isEqualTo("${var.tags}");
        assertThat(main.at("/module/app/address").asText()).isEqualTo("${var.address}");
        assertThat(main.at("/variable/tags/type").asText()).isEqualTo("list(string)");
        assertThat(main.toString()).doesNotContain("/etc/hostname").doesNotContain("path.cwd");
        assertThat(main.at("/import/0/id").asText()).isEqualTo("42$${x}");
        assertThat(values.path("name").asText()).isEqualTo(HOSTILE);
        assertThat(values.path("tags").path(0).asText()).isEqualTo(HOSTILE);
        assertThat(values.path("address").asText()).isEqualTo("${path.cwd}");
    }

    @Test
    void sensitive_values_are_kept_out_of_the_shown_and_hashed_files() throws Exception {
        GeneratedFiles withOne = generate(JSON.createObjectNode().put("name", "a").put("password", "hunter2-secret"), Supplied.NONE);
        GeneratedFiles withOther = generate(JSON.createObjectNode().put("name", "a").put("password", "other-secret"), Supplied.NONE);

        assertThat(withOne.files().values()).noneMatch(b -> new String(b, StandardCharsets.UTF_8).contains("hunter2"));
        assertThat(read(withOne, "main.tf.json").at("/variable/password/sensitive").asBoolean()).isTrue();
        assertThat(JSON.readTree(withOne.secretFiles().get(WorkspaceFiles.SECRET_VALUES_FILE)).path("password").asText())
                .isEqualTo("hunter2-secret");
        assertThat(withOne.sha256()).isEqualTo(withOther.sha256());
    }

    @Test
    void a_literal_escapes_both_kinds_of_template_sequence() {
        assertThat(WorkspaceFiles.literal("${a} %{b} $x %y")).isEqualTo("$${a} %%{b} $x %y");
    }

    @Test
    void inputs_split_into_open_and_sensitive_and_an_undeclared_one_counts_as_sensitive() {
        ObjectNode inputs = JSON.createObjectNode().put("name", "a").put("password", "p").put("stray", "s");

        Inputs.Split split = Inputs.split(TEMPLATE, inputs);

        assertThat(split.open()).isEqualTo(JSON.createObjectNode().put("name", "a"));
        assertThat(split.sensitive()).isEqualTo(JSON.createObjectNode().put("password", "p").put("stray", "s"));
    }
}
