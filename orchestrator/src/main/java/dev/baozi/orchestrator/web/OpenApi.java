package dev.baozi.orchestrator.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the API's OpenAPI description ({@code openapi.json} on the classpath, kept beside the route table). */
public final class OpenApi {

    private static final byte[] DOCUMENT = load();

    private OpenApi() {}

    public static void serve(Context ctx) {
        ctx.contentType("application/json").result(DOCUMENT);
    }

    public static byte[] document() {
        return DOCUMENT.clone();
    }

    private static byte[] load() {
        try (InputStream in = OpenApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading openapi.json", e);
        }
    }
}
