package dev.baozi.orchestrator.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code octodns-sync} for one zone: a dry run that yields a {@link ZonePlan}, or an apply
 * ({@code --doit --checksum}) that octoDNS refuses when the zone's changes are no longer exactly
 * those of the plan. Exit codes do not tell outcomes apart (octoDNS exits 1 on any error), so the
 * last line of its error output is read for the exception it raised.
 */
public final class OctoDnsSync {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHECKSUM = Pattern.compile("checksum=([0-9a-f]{64})");

    private final Path executable;
    private final Duration timeout;

    public OctoDnsSync(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** How a sync ended. Refusals octoDNS makes on purpose are results, not errors. */
    public sealed interface Outcome {
        record Planned(ZonePlan plan) implements Outcome {}

        record Applied() implements Outcome {}

        /** Over octoDNS's safety thresholds (or a root NS change): needs {@code --force}. */
        record NeedsForce(String reason) implements Outcome {}

        /** {@code --checksum} no longer matches: the zone or the records changed since the plan. */
        record ChangedSincePlan(String detail) implements Outcome {}

        record Failed(String reason) implements Outcome {}
    }

    /** The dry run of {@code zone} with config {@code configFile}, which writes its JSON plan to {@code planFile}. */
    public Outcome plan(Path configFile, String zone, Path planFile, String zoneFile, boolean force, Map<String, String> env,
            Consumer<String> log) {
        List<String> args = new ArrayList<>(List.of("--config-file", configFile.toString(), "--quiet"));
        if (force) {
            args.add("--force");
        }
        args.add(zone + ".");
        Result r = run(args, env, log);
        if (r.exit != 0) {
            return failure(r);
        }
        JsonNode changes = JSON.createArrayNode();
        try {
            if (Files.exists(planFile)) {
                JsonNode plan = JSON.readTree(planFile.toFile());
                for (JsonNode target : plan) {
                    JsonNode z = target.path(zone + ".");
                    if (z.path("changes").isArray()) {
                        changes = z.get("changes");
                    }
                }
            }
        } catch (IOException e) {
            return new Outcome.Failed("octodns-sync wrote a plan that is not JSON: " + e.getMessage());
        }
        Matcher m = CHECKSUM.matcher(r.stderr);
        String checksum = m.find() ? m.group(1) : null;
        if (changes.size() > 0 && checksum == null) {
            return new Outcome.Failed("octodns-sync planned changes to " + zone + " but printed no checksum");
        }
        return new Outcome.Planned(new ZonePlan(zone, checksum, changes, zoneFile, null));
    }

    /** Applies {@code zone} if its changes still have {@code checksum}. */
    public Outcome apply(Path configFile, String zone, String checksum, boolean force, Map<String, String> env, Consumer<String> log) {
        List<String> args = new ArrayList<>(List.of("--config-file", configFile.toString(), "--quiet", "--doit",
                "--checksum", checksum));
        if (force) {
            args.add("--force");
        }
        args.add(zone + ".");
        Result r = run(args, env, log);
        return r.exit == 0 ? new Outcome.Applied() : failure(r);
    }

    private static Outcome failure(Result r) {
        String last = lastLine(r.stderr);
        if (last.contains("TooMuchChange:") || last.contains("RootNsChange:")) {
            return new Outcome.NeedsForce(last.substring(last.indexOf(':') + 1).strip());
        }
        if (last.contains("ManagerException: checksum=") && last.contains("does not match")) {
            return new Outcome.ChangedSincePlan(last.substring(last.indexOf("checksum=")).strip());
        }
        return new Outcome.Failed("octodns-sync exited " + r.exit + (last.isEmpty() ? "" : ": " + last));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty()) {
                return l;
            }
        }
        return "";
    }

    private record Result(int exit, String stderr) {}

    private Result run(List<String> args, Map<String, String> env, Consumer<String> log) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        Path err;
        try {
            err = Files.createTempFile("octodns-", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException("starting octodns-sync: creating a file for its output", e);
        }
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("BAOZI_") || k.startsWith("TF_") || k.startsWith("BAO_")
                    || k.startsWith("VAULT_") || k.startsWith("PROXMOX_"));
            builder.environment().putAll(env);
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "octodns-sync did not finish within " + timeout.toSeconds() + "s and was stopped");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            stderr.lines().filter(l -> !l.isBlank()).forEach(log);
            return new Result(process.exitValue(), stderr);
        } catch (IOException e) {
            return new Result(-1, "octodns-sync could not be started (" + executable + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted while octodns-sync ran");
        } finally {
            try {
                Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // a temporary file of a few lines; the next start does not depend on it
            }
        }
    }
}
