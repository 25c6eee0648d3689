package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;

/** One version of a KV v2 secret: its data and its version number. */
public record KvEntry(JsonNode data, long version) {

    /** A field of the data as text; null when it is missing or null. */
    public String text(String field) {
        JsonNode v = data.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "KvEntry[version=" + version + ", data=(hidden)]";
    }
}
