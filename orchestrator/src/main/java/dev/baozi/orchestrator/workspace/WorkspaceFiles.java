package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        root.putObject("module").set(template.name(), module);
        if (!template.outputs().isEmpty()) {
            ObjectNode outputs = root.putObject("output");
            for (String out : template.outputs()) {
                outputs.putObject(out).put("value", "${module." + template.name() + "." + out + "}");
            }
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("main.tf.json", bytes(Inputs.canonical(root)));
        template.files().forEach((path, content) -> files.put(moduleDir + "/" + path, content));
        return new GeneratedFiles(Collections.unmodifiableSortedMap(files), GeneratedFiles.hashOf(files), template.sha256());
    }

    private static byte[] bytes(Object tree) {
        try {
            return (JSON.writeValueAsString(tree) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing main.tf.json", e);
        }
    }
}
