package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.web.ErrorBody;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /state/{workspace}}: the OpenTofu/Terraform HTTP backend protocol, as OpenTofu's own
 * client speaks it (GET, POST with {@code ?ID=}, DELETE, LOCK, UNLOCK on one address).
 */
public final class StateController {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final StateService service;

    public StateController(StateService service) {
        this.service = service;
    }

    /**
     * The current state. A client that accepts gzip (OpenTofu's does: Go's HTTP client asks for it
     * and decodes it) gets the stored gzip bytes as they are, with {@code Content-Encoding: gzip};
     * {@code Content-MD5} is always the MD5 of the decoded state, which is what tofu checks.
     */
    public void get(Context ctx) {
        if (acceptsGzip(ctx.header("Accept-Encoding"))) {
            Optional<CompressedState> state = service.currentCompressed(WorkspaceName.fromPath(ctx), Caller.principal(ctx));
            if (state.isEmpty()) {
                ctx.status(HttpStatus.NO_CONTENT);
                return;
            }
            // Javalin compresses nothing that already has a Content-Encoding.
            ctx.status(HttpStatus.OK)
                    .header("Content-MD5", state.get().version().md5())
                    .header("Content-Encoding", "gzip")
                    .header("Vary", "Accept-Encoding")
                    .contentType("application/json")
                    .result(state.get().gzip());
            return;
        }
        Optional<StoredState> state = service.current(WorkspaceName.fromPath(ctx), Caller.principal(ctx));
        if (state.isEmpty()) {
            ctx.status(HttpStatus.NO_CONTENT);
            return;
        }
        ctx.status(HttpStatus.OK)
                .header("Content-MD5", state.get().version().md5())
                .contentType("application/json")
                .result(state.get().content());
    }

    public void post(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new BadRequestResponse("the request has no state in its body");
        }
        StateBody body = switch (StateFacts.inspect(bytes)) {
            case StateFacts.Inspection.Readable r -> StateBody.of(bytes, r.facts());
            case StateFacts.Inspection.Encrypted e -> StateBody.of(bytes, StateFacts.OPAQUE);
            case StateFacts.Inspection.Refused r -> throw new BadRequestResponse(r.reason() + "; nothing was written");
        };
        String md5 = ctx.header("Content-MD5");
        if (md5 != null && !md5.isBlank() && !md5.strip().equals(body.md5())) {
            throw new BadRequestResponse("the Content-MD5 header does not match the body; the state was damaged on the way");
        }
        respond(ctx, ws, service.update(ws, body, ctx.queryParam("ID"), Caller.principal(ctx)));
    }

    /** Whether {@code acceptEncoding} lists gzip (or *) without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";", -1);
            String coding = fields[0].strip();
            if (coding.equalsIgnoreCase("gzip") || coding.equals("*")) {
                boolean refused = false;
                for (int i = 1; i < fields.length; i++) {
                    String param = fields[i].strip().replace(" ", "");
                    refused |= param.matches("(?i)q=0(\\.0*)?");
                }
                return !refused;
            }
        }
        return false;
    }

    public void delete(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        respond(ctx, ws, service.delete(ws, Caller.principal(ctx)));
    }

    public void lock(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        LockInfo info = parseLockInfo(ctx.bodyAsBytes())
                .orElseThrow(() -> new BadRequestResponse("LOCK needs a JSON body with the lock's ID"));
        String problem = lockInfoProblem(info);
        if (problem != null) {
            throw new BadRequestResponse(problem + "; nothing was locked");
        }
        switch (service.lock(ws, info, Caller.principal(ctx))) {
            case LockOutcome.Acquired a -> ctx.status(HttpStatus.OK).json(a.lock().info());
            case LockOutcome.HeldByOther h -> locked(ctx, ws, h.current());
        }
    }

    public void unlock(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        byte[] body = ctx.bodyAsBytes();
        // An empty body is `tofu force-unlock` (its client sends no lock info); otherwise the ID must match.
        String lockId = null;
        if (!new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            lockId = parseLockInfo(body).map(LockInfo::id)
                    .orElseThrow(() -> new BadRequestResponse("UNLOCK needs an empty body or a JSON body with the lock's ID"));
        }
        switch (service.unlock(ws, lockId, Caller.principal(ctx))) {
            case UnlockOutcome.Released r -> ctx.status(HttpStatus.OK).json(Map.of("released", r.released().info()));
            case UnlockOutcome.NotLocked n -> ctx.status(HttpStatus.OK).json(Map.of("released", Map.of()));
            case UnlockOutcome.HeldByOther h -> locked(ctx, ws, h.current());
        }
    }

    /** The longest lock ID taken: OpenTofu's are UUIDs (36 characters). */
    static final int MAX_LOCK_ID = 256;
    /** The longest text taken in any other lock info field (Info, Who, Operation, Path...). */
    static final int MAX_LOCK_FIELD = 1024;

    /** Why {@code info} is refused before anything is written (a field too long), or null. */
    static String lockInfoProblem(LockInfo info) {
        if (info.id().length() > MAX_LOCK_ID) {
            return "the lock ID is " + info.id().length() + " characters long; at most " + MAX_LOCK_ID + " are taken";
        }
        if (info.id().chars().anyMatch(Character::isISOControl)) {
            return "the lock ID contains control characters";
        }
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("Operation", info.operation());
        fields.put("Info", info.info());
        fields.put("Who", info.who());
        fields.put("Version", info.version());
        fields.put("Created", info.created());
        fields.put("Path", info.path());
        for (var f : fields.entrySet()) {
            if (f.getValue() != null && f.getValue().length() > MAX_LOCK_FIELD) {
                return "the lock's " + f.getKey() + " is " + f.getValue().length() + " characters long; at most "
                        + MAX_LOCK_FIELD + " are taken";
            }
        }
        return null;
    }

    /** Parses tofu's lock info; empty when the body is not a JSON object with a non-empty ID. */
    static Optional<LockInfo> parseLockInfo(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject() || !node.path("ID").isTextual() || node.path("ID").asText().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(JSON.treeToValue(node, LockInfo.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void respond(Context ctx, WorkspaceName ws, UpdateOutcome outcome) {
        switch (outcome) {
            case UpdateOutcome.Accepted a -> ctx.status(HttpStatus.OK).json(Map.of("version", a.version().version()));
            case UpdateOutcome.Unchanged u -> ctx.status(HttpStatus.OK).json(Map.of("version", u.version().version()));
            case UpdateOutcome.Locked l -> locked(ctx, ws, l.holder());
            case UpdateOutcome.LockNotHeld n -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody("lock " + n.lockId()
                    + " on workspace " + ws + " is not held any more (released or force-unlocked); nothing was written"));
            case UpdateOutcome.Refused r -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(r.reason() + "; nothing was written"));
        }
    }

    /** 423 with the holder's lock info in tofu's own keys, plus a sentence for people. */
    static void locked(Context ctx, WorkspaceName ws, HeldLock holder) {
        ObjectNode body = JSON.valueToTree(holder.info());
        body.put("error", "workspace " + ws + " is locked by " + holder.holder() + " (lock " + holder.info().id()
                + ", " + holder.info().operation() + ", since " + holder.since() + ")");
        ctx.status(HttpStatus.LOCKED).json(body);
    }

}
