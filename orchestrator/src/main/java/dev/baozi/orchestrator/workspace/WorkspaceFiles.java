package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Generates a workspace's OpenTofu directory as data: {@code main.tf.json} (the http backend
 * on Baozi's own state endpoint, one root variable per value passed, the module call wiring
 * each to {@code var.<name>}, passed-through outputs), {@code baozi.auto.tfvars.json} with the
 * values, and a copy of the template under {@code modules/<template>-<hash>/}, so the module a
 * run uses is the one its hash names. Same inputs, same bytes.
 *
 * <p>No value a user gave (nor any Baozi supplies) is ever written into configuration, where
 * tofu would evaluate {@code ${…}} and {@code %{…}} in it: values reach tofu as variable values,
 * which it never evaluates. Where a literal is unavoidable (an import's id) it goes through
 * {@link #literal}. Sensitive inputs are in {@link GeneratedFiles#secretFiles()}, apart from the
 * files that are shown and hashed. No other secret goes into these files: the state token
 * reaches tofu as {@code TF_HTTP_PASSWORD}.
 */
public final class WorkspaceFiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private WorkspaceFiles() {}

    /** The file that carries the values of the workspace's inputs and of supplied variables. */
    public static final String VALUES_FILE = "baozi.auto.tfvars.json";
    /** The file that carries the values of sensitive inputs: only in a run's private directory, never shown. */
    public static final String SECRET_VALUES_FILE = "baozi-sensitive.auto.tfvars.json";

    public static GeneratedFiles generate(Workspace workspace, Template template, String baoziUrl) {
        return generate(workspace, workspace.inputs(), template, baoziUrl, Supplied.NONE);
    }

    /**
     * As above, with every input value ({@code inputs}: the workspace's own and its sensitive
     * ones) and what Baozi supplies for one run: values of supplied variables, and imports into
     * root {@code import} blocks. Sibling modules the template calls as {@code ../<name>} are
     * copied to {@code modules/<name>/}, where that path leads.
     */
    public static GeneratedFiles generate(Workspace workspace, JsonNode inputs, Template template, String baoziUrl,
            Supplied supplied) {
        String moduleDir = "modules/" + template.name() + "-" + template.sha256().substring(0, 16);
        String stateUrl = baoziUrl + "/state/" + workspace.name();
        Map<String, TemplateVariable> declared = new TreeMap<>();
        template.variables().forEach(v -> declared.put(v.name(), v));

        ObjectNode root = JSON.createObjectNode();
        ObjectNode http = root.putObject("terraform").putObject("backend").putObject("http");
        http.put("address", stateUrl)
                .put("lock_address", stateUrl)
                .put("unlock_address", stateUrl)
                .put("username", "baozi");
        ObjectNode variables = JSON.createObjectNode();
        ObjectNode module = JSON.createObjectNode();
        module.put("source", "./" + moduleDir);
        ObjectNode values = JSON.createObjectNode();
        ObjectNode secretValues = JSON.createObjectNode();
        Map<String, JsonNode> passed = new TreeMap<>();
        Inputs.canonical(inputs).properties().forEach(e -> passed.put(e.getKey(), e.getValue()));
        passed.putAll(supplied.inputs());
        passed.forEach((name, value) -> {
            TemplateVariable v = declared.get(name);
            if (v == null) {
                // inputs and supplied values are checked against the template before a run: this is a bug, not a caller's mistake
                throw new IllegalStateException("template " + template.name() + " declares no variable " + name);
            }
            ObjectNode variable = variables.putObject(name).put("type", v.type().describe());
            if (v.sensitive()) {
                variable.put("sensitive", true);
            }
            module.put(name, "${var." + name + "}");
            (v.sensitive() && !supplied.inputs().containsKey(name) ? secretValues : values).set(name, value);
        });
        if (!variables.isEmpty()) {
            root.set("variable", variables);
        }
        root.putObject("module").set(template.name(), module);
        if (!supplied.imports().isEmpty()) {
            // An import block belongs to the root module, which must then know where the provider of its
            // target comes from (else tofu takes hashicorp/<name>): the template's own requirements.
            JsonNode required = requiredProviders(template);
            if (!required.isEmpty()) {
                ((ObjectNode) root.get("terraform")).set("required_providers", required);
            }
            var imports = root.putArray("import");
            supplied.imports().forEach(i -> imports.addObject().put("to", "module." + template.name() + "." + i.to())
                    .put("id", literal(i.id())));
        }
        if (!template.outputs().isEmpty()) {
            ObjectNode outputs = root.putObject("output");
            for (String out : template.outputs()) {
                outputs.putObject(out).put("value", "${module." + template.name() + "." + out + "}");
            }
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("main.tf.json", bytes(Inputs.canonical(root)));
        files.put(VALUES_FILE, bytes(values));
        template.files().forEach((path, content) -> files.put(moduleDir + "/" + path, content));
        template.dependencies().forEach((dep, depFiles) -> depFiles.forEach((path, content) -> files.put("modules/" + dep + "/" + path, content)));
        Map<String, byte[]> secret = secretValues.isEmpty() ? Map.of() : Map.of(SECRET_VALUES_FILE, bytes(secretValues));
        return new GeneratedFiles(Collections.unmodifiableSortedMap(files), GeneratedFiles.hashOf(files), template.sha256(), secret);
    }

    /**
     * A string as a literal in OpenTofu's JSON configuration syntax, where a string is a template:
     * {@code ${} and {@code %{} are escaped ({@code $${}, {@code %%{}) so tofu reads the text as it is.
     * Every writer of a value into configuration goes through here.
     */
    public static String literal(String text) {
        return text.replace("${", "$${").replace("%{", "%%{");
    }

    /** The {@code terraform.required_providers} of the template's *.tf.json files, merged. */
    private static ObjectNode requiredProviders(Template template) {
        ObjectNode all = JSON.createObjectNode();
        template.files().forEach((path, content) -> {
            if (path.endsWith(".tf.json") && !path.contains("/")) {
                try {
                    JsonNode required = JSON.readTree(content).path("terraform").path("required_providers");
                    if (required.isObject()) {
                        all.setAll((ObjectNode) required);
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("template " + template.name() + ": " + path + " is not JSON", e);
                }
            }
        });
        return all;
    }

    private static byte[] bytes(Object tree) {
        try {
            return (JSON.writeValueAsString(tree) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing main.tf.json", e);
        }
    }
}
