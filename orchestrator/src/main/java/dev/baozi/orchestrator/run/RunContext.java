package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run as its steps see it: the run and its workspace, its folder, its log (redacting its
 * secrets), the environment its tofu calls get, and what earlier steps found out for later ones.
 */
final class RunContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Run run;
    final Workspace workspace;
    final Path runDir;
    private final RunParts parts;
    private final List<String> secrets = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private Redactor redactor;
    private RunLog log;

    /** Set by the steps as the run goes: what Baozi supplied, tofu's plan exit code, the side plans to apply. */
    Supplied supplied = Supplied.NONE;
    int planExit;
    PlanSummary summary;
    boolean tofuChanges;
    final List<SidePlan> sidePlans = new ArrayList<>();
    /** Added to a failing tofu apply's error: what of the run was already done, or not done, because of it. */
    String afterFailure = "";

    RunContext(Run run, Workspace workspace, RunParts parts) {
        this.run = run;
        this.workspace = workspace;
        this.parts = parts;
        this.runDir = parts.settings().runsDir().resolve(Long.toString(run.id()));
        String stateToken = parts.workspaces().stateToken(workspace);
        env.put("TF_HTTP_PASSWORD", stateToken);
        secrets.add(stateToken);
        secrets.addAll(parts.workspaces().secrets(workspace));
        renew();
    }

    Path workDir() {
        return runDir.resolve("work");
    }

    /** Adds provider credentials: their environment for tofu, their secrets for redaction. */
    void credentials(RunCredentials.Credentials credentials) {
        env.putAll(credentials.env());
        secrets.addAll(credentials.secrets());
        renew();
    }

    private void renew() {
        redactor = new Redactor(secrets);
        log = new RunLog(run.id(), parts.logs(), parts.bus(), redactor, parts.clock());
    }

    Redactor redactor() {
        return redactor;
    }

    /** A line of the run's log under {@code step} ("baozi", "dns", "plan"). */
    void log(String step, String line) {
        log.line(step, line);
    }

    /**
     * Runs {@code tofu args} as step {@code step}, its lines logged; the exit code when it
     * succeeded ({@code okExits}), else the run ends: errored (its first errors named, then
     * {@link #afterFailure}), timed out, or canceled.
     */
    int tofu(String step, List<String> args, Duration timeout, int... okExits) throws RunEnded {
        List<String> errors = new ArrayList<>();
        Tofu.Outcome outcome = call(args, timeout, line -> {
            collectError(line, errors);
            log.line(step, line);
        }, line -> {
            collectError(line, errors);
            log.line(step, line);
        });
        for (int ok : okExits.length == 0 ? new int[] {0} : okExits) {
            if (outcome.exitCode() == ok && !outcome.timedOut() && !outcome.interrupted() && !outcome.killed()) {
                return ok;
            }
        }
        if (outcome.timedOut()) {
            throw RunEnded.errored("tofu " + step + " timed out after " + human(timeout) + " and was stopped");
        }
        if (outcome.interrupted() || outcome.killed()) {
            throw RunEnded.canceled(outcome.killed(), parts.cancels().take(run.id()).orElse(null));
        }
        throw RunEnded.errored("tofu " + step + " failed" + (errors.isEmpty() ? " (exit " + outcome.exitCode() + ")"
                : ": " + String.join("; ", errors)) + afterFailure);
    }

    /** Runs {@code tofu args} whose output is data ({@code show -json}): stdout returned, stderr logged. */
    byte[] capture(List<String> args, Duration timeout) throws RunEnded {
        var out = new ByteArrayOutputStream();
        Tofu.Outcome outcome = call(args, timeout, line -> out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)),
                line -> log.line(args.getFirst(), line));
        if (outcome.interrupted() || outcome.killed()) {
            throw RunEnded.canceled(outcome.killed(), parts.cancels().take(run.id()).orElse(null));
        }
        if (outcome.exitCode() != 0) {
            throw RunEnded.errored("tofu " + args.getFirst() + " failed (exit " + outcome.exitCode() + ")");
        }
        return out.toByteArray();
    }

    private Tofu.Outcome call(List<String> args, Duration timeout, java.util.function.Consumer<String> stdout,
            java.util.function.Consumer<String> stderr) throws RunEnded {
        Tofu.Running call = parts.tofu().prepare(new Tofu.Call(run.id(), workspace.name(), runDir, args, Map.copyOf(env), timeout));
        parts.cancels().running(run.id(), call);
        try {
            if (parts.cancels().requested(run.id())) { // asked between two calls: this one does not start
                throw RunEnded.canceled(false, parts.cancels().take(run.id()).orElse(null));
            }
            return call.run(stdout, stderr);
        } finally {
            parts.cancels().done(run.id());
        }
    }

    private void collectError(String line, List<String> errors) {
        if (!line.startsWith("{")) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(line);
            if ("error".equals(node.path("@level").asText()) && errors.size() < 5) {
                errors.add(redactor.redact(RunLog.readable(line)));
            }
        } catch (IOException ignored) {
            // not JSON after all: just log text
        }
    }

    /** 45s, 30min, 1h30min: how a person writes a timeout. */
    static String human(Duration d) {
        if (d.toSeconds() < 60 || d.toSecondsPart() != 0) {
            return d.toSeconds() + "s";
        }
        return (d.toHours() > 0 ? d.toHours() + "h" : "") + (d.toMinutesPart() > 0 || d.toHours() == 0 ? d.toMinutesPart() + "min" : "");
    }

    static String describe(PlanSummary s) {
        return s.adds() + " to add, " + s.changes() + " to change, " + s.replaces() + " to replace, " + s.destroys() + " to destroy";
    }
}
