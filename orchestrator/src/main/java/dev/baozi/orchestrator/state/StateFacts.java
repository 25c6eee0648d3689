package dev.baozi.orchestrator.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What Baozi reads from a state to guard it: {@code serial} and {@code lineage}. Both null for a
 * state that is not readable JSON with them (OpenTofu's client-side encryption), which is opaque.
 */
public record StateFacts(Long serial, String lineage) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StateFacts OPAQUE = new StateFacts(null, null);

    public boolean isOpaque() {
        return serial == null || lineage == null;
    }

    /**
     * Reads the two top-level fields with a streaming parser, so a 50 MiB state is not built into a
     * tree, and stops as soon as both are read: OpenTofu writes them near the top ({@code version},
     * {@code terraform_version}, {@code serial}, {@code lineage}, then {@code resources}), so a
     * 5 MiB state is not scanned to its end. OpenTofu's encrypted envelope ({@code meta},
     * {@code encrypted_data}, {@code encryption_version}) has neither, so it is still read to its
     * end and comes out opaque. A document naming both before any {@code encrypted_data} is guarded
     * by them: that is the stricter of the two outcomes (lineage and serial checked), never a looser one.
     */
    public static StateFacts of(byte[] content) {
        Long serial = null;
        String lineage = null;
        boolean encrypted = false;
        try (JsonParser p = JSON.createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return OPAQUE;
            }
            while ((serial == null || lineage == null) && p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "serial" -> serial = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                    case "lineage" -> lineage = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "encrypted_data" -> encrypted = true;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return OPAQUE;
        }
        return encrypted ? OPAQUE : new StateFacts(serial, lineage);
    }
}
