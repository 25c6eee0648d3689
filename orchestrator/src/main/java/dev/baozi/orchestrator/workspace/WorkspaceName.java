package dev.baozi.orchestrator.workspace;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** A workspace name: {@code [a-z0-9][a-z0-9-_]{0,62}}, so it is safe in URLs, OpenBao paths and file names. */
public record WorkspaceName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public WorkspaceName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid workspace name");
        }
    }

    /** The {@code {workspace}} path parameter of a request, validated; a 400 when it is not a name. */
    public static WorkspaceName fromPath(Context ctx) {
        String raw;
        try {
            raw = ctx.pathParam("workspace");
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("the workspace name in the path is not valid %-encoding");
        }
        if (!isValid(raw)) {
            throw new BadRequestResponse("workspace names are 1 to 63 characters of a-z, 0-9, '-' and '_', "
                    + "starting with a letter or digit");
        }
        return new WorkspaceName(raw);
    }

    public static boolean isValid(String raw) {
        return raw != null && VALID.matcher(raw).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
