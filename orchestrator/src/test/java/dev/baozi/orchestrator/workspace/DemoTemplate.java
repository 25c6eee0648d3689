package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A template with one variable of each kind the pages handle: list, string with default, number, bool, sensitive ones, a supplied one. */
public final class DemoTemplate {

    private DemoTemplate() {}

    public static Template template() {
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
}
