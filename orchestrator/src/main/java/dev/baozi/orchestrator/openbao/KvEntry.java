package dev.baozi.orchestrator.openbao;

import com.fasterxml.jackson.databind.JsonNode;

/** One version of a KV v2 secret: its data and its version number. */
public record KvEntry(JsonNode data, long version) {

    public String text(String field) {
        JsonNode v = data.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
