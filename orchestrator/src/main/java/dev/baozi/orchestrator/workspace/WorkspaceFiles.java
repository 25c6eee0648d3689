package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Generates a workspace's OpenTofu directory as data: {@code main.tf.json} (the http backend
 * on Baozi's own state endpoint, the module call with the inputs, passed-through outputs) and
 * a copy of the template under {@code modules/<template>-<hash>/}, so the module a run uses is
 * the one its hash names. Same inputs, same bytes. No secret goes into these files: the state
 * token reaches tofu as {@code TF_HTTP_PASSWORD}.
 */
public final class WorkspaceFiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private WorkspaceFiles() {}

    public static GeneratedFiles generate(Workspace workspace, Template template, String baoziUrl) {
        return generate(workspace, template, baoziUrl, Supplied.NONE);
    }

    /**
     * As above, with what Baozi supplies for one run: values of supplied variables go into the
     * module call, imports into root {@code import} blocks. Sibling modules the template calls as
     * {@code ../<name>} are copied to {@code modules/<name>/}, where that path leads.
     */
    public static GeneratedFiles generate(Workspace workspace, Template template, String baoziUrl, Supplied supplied) {
        String moduleDir = "modules/" + template.name() + "-" + template.sha256().substring(0, 16);
        String stateUrl = baoziUrl + "/state/" + workspace.name();

        ObjectNode root = JSON.createObjectNode();
        ObjectNode http = root.putObject("terraform").putObject("backend").putObject("http");
        http.put("address", stateUrl)
                .put("lock_address", stateUrl)
                .put("unlock_address", stateUrl)
                .put("username", "baozi");
        ObjectNode module = JSON.createObjectNode();
        module.put("source", "./" + moduleDir);
        Inputs.canonical(workspace.inputs()).fields().forEachRemaining(e -> module.set(e.getKey(), e.getValue()));
        supplied.inputs().forEach(module::set);
        root.putObject("module").set(template.name(), module);
        if (!supplied.imports().isEmpty()) {
            // An import block belongs to the root module, which must then know where the provider of its
            // target comes from (else tofu takes hashicorp/<name>): the template's own requirements.
            JsonNode required = requiredProviders(template);
            if (!required.isEmpty()) {
                ((ObjectNode) root.get("terraform")).set("required_providers", required);
            }
            var imports = root.putArray("import");
            supplied.imports().forEach(i -> imports.addObject().put("to", "module." + template.name() + "." + i.to()).put("id", i.id()));
        }
        if (!template.outputs().isEmpty()) {
            ObjectNode outputs = root.putObject("output");
            for (String out : template.outputs()) {
                outputs.putObject(out).put("value", "${module." + template.name() + "." + out + "}");
            }
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("main.tf.json", bytes(Inputs.canonical(root)));
        template.files().forEach((path, content) -> files.put(moduleDir + "/" + path, content));
        template.dependencies().forEach((dep, depFiles) -> depFiles.forEach((path, content) -> files.put("modules/" + dep + "/" + path, content)));
        return new GeneratedFiles(Collections.unmodifiableSortedMap(files), GeneratedFiles.hashOf(files), template.sha256());
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
