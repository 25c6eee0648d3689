package dev.baozi.orchestrator.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * What Baozi reads from a state to guard it: {@code serial} and {@code lineage}. Both null for a
 * state that is not readable JSON with them (OpenTofu's client-side encryption), which is opaque.
 */
public record StateFacts(Long serial, String lineage) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StateFacts OPAQUE = new StateFacts(null, null);

    /** Strings as long as a state body may be (an encrypted state is one long base64 string). */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    /** The top-level keys of OpenTofu's encrypted-state envelope ({@code internal/encryption}'s {@code basedata}), and only those. */
    static final Set<String> ENVELOPE = Set.of("meta", "encrypted_data", "encryption_version");

    /** What a state a client sent turned out to be: one Baozi can guard, OpenTofu's encrypted envelope, or neither. */
    public sealed interface Inspection {
        /** A JSON state with a lineage and a serial: guarded by them. */
        record Readable(StateFacts facts) implements Inspection {}

        /** OpenTofu's client-side encrypted envelope: stored as it is, with no guard (there is nothing to read). */
        record Encrypted() implements Inspection {}

        /** Neither: refused, saying why. */
        record Refused(String reason) implements Inspection {}
    }

    /**
     * Reads a state a client sent, all of it, and says what it is. A state is valid UTF-8, one
     * JSON object naming no top-level key twice, with a {@code lineage} (a non-empty string) and a
     * {@code serial} (a whole number from 0 to 2^63-1); or it is OpenTofu's encrypted envelope,
     * exactly {@code meta} (an object), {@code encrypted_data} (a string) and
     * {@code encryption_version} (a non-empty string). Anything else is refused rather than stored
     * unguarded.
     */
    public static Inspection inspect(byte[] content) {
        String encoding = utf8Problem(content);
        if (encoding != null) {
            return new Inspection.Refused(encoding);
        }
        Long serial = null;
        String lineage = null;
        Set<String> keys = new HashSet<>();
        boolean envelopeShape = true;
        try (JsonParser p = STRICT.createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Inspection.Refused("the state is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!keys.add(name)) {
                    return new Inspection.Refused("the state names its top-level key \"" + abbreviate(name) + "\" twice");
                }
                JsonToken value = p.nextToken();
                switch (name) {
                    case "serial" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                || p.getLongValue() < 0) {
                            return new Inspection.Refused("the state's serial must be a whole number from 0 to "
                                    + Long.MAX_VALUE + ", got " + abbreviate(p.getText()));
                        }
                        serial = p.getLongValue();
                    }
                    case "lineage" -> {
                        if (value != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
                            return new Inspection.Refused("the state's lineage must be a non-empty string");
                        }
                        lineage = p.getText();
                    }
                    case "meta" -> {
                        envelopeShape &= value == JsonToken.START_OBJECT;
                        p.skipChildren();
                    }
                    case "encrypted_data" -> {
                        envelopeShape &= value == JsonToken.VALUE_STRING;
                        p.skipChildren();
                    }
                    case "encryption_version" -> {
                        envelopeShape &= value == JsonToken.VALUE_STRING && !p.getText().isEmpty();
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return new Inspection.Refused("the state has data after its JSON object");
            }
        } catch (JsonProcessingException e) {
            return new Inspection.Refused("the state is not valid JSON: " + abbreviate(firstLine(e.getOriginalMessage()))
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            return new Inspection.Refused("the state could not be read: " + e.getMessage());
        }
        if (keys.equals(ENVELOPE)) {
            return envelopeShape ? new Inspection.Encrypted() : new Inspection.Refused("the state looks like OpenTofu's encrypted "
                    + "envelope, but meta must be an object, encrypted_data a string and encryption_version a non-empty string");
        }
        if (serial != null && lineage != null) {
            return new Inspection.Readable(new StateFacts(serial, lineage));
        }
        return new Inspection.Refused("the state has no " + (lineage == null && serial == null ? "lineage and no serial"
                : lineage == null ? "lineage" : "serial") + ", and is not OpenTofu's encrypted envelope either "
                + "(exactly meta, encrypted_data and encryption_version); Baozi stores only states it can guard, or encrypted ones");
    }

    /** Where {@code content} is not valid UTF-8, or null when it is. Decodes in chunks, so nothing the size of the state is made. */
    private static String utf8Problem(byte[] content) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return "the state is not valid UTF-8 (at byte " + in.position() + ")";
            }
            if (r.isUnderflow()) {
                r = decoder.flush(out);
                return r.isError() ? "the state is not valid UTF-8 (at its end)" : null;
            }
            out.clear();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

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
