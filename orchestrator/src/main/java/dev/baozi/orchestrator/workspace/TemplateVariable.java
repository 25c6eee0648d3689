package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;

/** A variable a template declares: required unless it has a default; sensitive values are secrets. */
public record TemplateVariable(String name, VariableType type, JsonNode defaultValue, boolean sensitive, String description) {
    public boolean required() {
        return defaultValue == null;
    }
}
