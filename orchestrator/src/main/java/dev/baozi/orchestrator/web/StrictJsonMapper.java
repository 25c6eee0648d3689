package dev.baozi.orchestrator.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.BadRequestResponse;
import io.javalin.json.JavalinJackson;
import io.javalin.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Javalin's JSON mapper: answers are written by Jackson as configured; request bodies
 * ({@code ctx.bodyAsClass}) are read strictly, in this one place, and whatever a caller got wrong
 * is a 400 saying what and where, never a 500: broken JSON (with its line and column), duplicate
 * keys, trailing data, a body that is not a JSON object, numbers outside what Baozi can hold
 * (integers beyond 64 bits, which would wrap, and floats beyond a double, which would become
 * "Infinity"), and values of the wrong type for the class asked for.
 */
public final class StrictJsonMapper implements JsonMapper {

    private final ObjectMapper reader;
    private final JavalinJackson writer;

    /** The mapper answers are written with: Java times as ISO-8601 text, not numbers. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public StrictJsonMapper(ObjectMapper mapper) {
        this.writer = new JavalinJackson(mapper, false);
        this.reader = mapper.copy()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    @Override
    public String toJsonString(Object obj, Type type) {
        return writer.toJsonString(obj, type);
    }

    @Override
    public InputStream toJsonStream(Object obj, Type type) {
        return writer.toJsonStream(obj, type);
    }

    @Override
    public void writeToOutputStream(Stream<?> stream, java.io.OutputStream out) {
        writer.writeToOutputStream(stream, out);
    }

    @Override
    public <T> T fromJsonStream(InputStream json, Type targetType) {
        try {
            return fromJsonString(new String(json.readAllBytes(), StandardCharsets.UTF_8), targetType);
        } catch (IOException e) {
            throw new BadRequestResponse("reading the request body: " + e.getMessage());
        }
    }

    @Override
    public <T> T fromJsonString(String json, Type targetType) {
        JsonNode tree = readObject(json);
        try {
            return reader.convertValue(tree, reader.getTypeFactory().constructType(targetType));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("the body does not have the expected shape: " + firstLine(e.getMessage()));
        }
    }

    /** {@code json} as a tree, if it is one JSON object with no duplicate keys and numbers in range; else a 400. */
    JsonNode readObject(String json) {
        if (json == null || json.isBlank()) {
            throw new BadRequestResponse("the request has no body; it must be a JSON object");
        }
        JsonNode tree;
        try {
            tree = reader.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("the body is not valid JSON: " + describe(e));
        }
        if (tree == null || !tree.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object, not " + kind(tree));
        }
        return checkNumbers(tree, "");
    }

    /**
     * {@code node} with every float as a double, refusing integers beyond 64 bits and floats beyond
     * a double's range, naming where they are as a JSON pointer.
     */
    private static JsonNode checkNumbers(JsonNode node, String pointer) {
        if (node.isBigInteger()) {
            throw new BadRequestResponse("the number at " + where(pointer) + " is out of range: integers must fit in 64 bits, got "
                    + abbreviate(node.asText()));
        }
        if (node.isBigDecimal()) {
            double d = node.decimalValue().doubleValue();
            if (Double.isInfinite(d)) {
                throw new BadRequestResponse("the number at " + where(pointer) + " is out of range, got " + abbreviate(node.asText()));
            }
            return DoubleNode.valueOf(d);
        }
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonNode checked = checkNumbers(e.getValue(), pointer + "/" + escape(e.getKey()));
                if (checked != e.getValue()) {
                    e.setValue(checked);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode checked = checkNumbers(a.get(i), pointer + "/" + i);
                if (checked != a.get(i)) {
                    a.set(i, checked);
                }
            }
        }
        return node;
    }

    private static String where(String pointer) {
        return pointer.isEmpty() ? "the top" : pointer;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String kind(JsonNode tree) {
        if (tree == null || tree.isMissingNode()) {
            return "nothing";
        }
        return switch (tree.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Jackson's reason without its source excerpt, and the line and column it applies to. */
    static String describe(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getOriginalMessage());
        JsonLocation at = e.getLocation();
        return abbreviate(reason) + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return abbreviate(nl < 0 ? message : message.substring(0, nl));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
