package dev.baozi.harness.postgres;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs PostgreSQL's programs as the cluster's owner. PostgreSQL refuses to run as root, so when
 * we are root that is the {@code postgres} OS user (through {@code runuser}); otherwise it is us.
 */
final class ClusterOwner {

    static final String OS_USER = "postgres";
    private static final int TAIL_LINES = 15;

    private final List<String> prefix;

    private ClusterOwner(List<String> prefix) {
        this.prefix = prefix;
    }

    static ClusterOwner forThisProcess() {
        if (new UnixSystem().getUid() != 0) {
            return new ClusterOwner(List.of());
        }
        Path runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("starting PostgreSQL: running as root, PostgreSQL refuses"
                        + " root and there is no runuser (util-linux) to run it as the " + OS_USER + " user"));
        return new ClusterOwner(List.of(runuser.toString(), "-u", OS_USER, "--"));
    }

    /** Hands {@code path} to the owner (a no-op unless we are root). */
    void own(Path path) {
        if (prefix.isEmpty()) {
            return;
        }
        try {
            var users = path.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(path, users.lookupPrincipalByName(OS_USER));
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("starting PostgreSQL: running as root and there is no " + OS_USER
                    + " OS user to run it as (the Debian postgresql package creates one)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL: handing " + path + " to the " + OS_USER + " user", e);
        }
    }

    /**
     * Runs {@code command} in {@code workDir}, its output appended to {@code log}, {@code stdin}
     * (if any) written to it; throws when it exits non-zero or outlasts {@code timeout}. The
     * message starts with {@code doing}, names the program and ends with the output's tail, with
     * {@code secret} (if any) blanked out.
     */
    void run(String doing, List<String> command, Path workDir, Path log, Duration timeout, Optional<String> stdin,
            Optional<String> secret) {
        String program = Path.of(command.getFirst()).getFileName().toString();
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        var builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stdin.isEmpty()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        // Our PG* settings (PGDATA, PGPORT, PGHOST...) would point the programs at another cluster.
        builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(doing + ": running " + program, e);
        }
        try {
            if (stdin.isPresent()) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.get().getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(doing + ": " + program + " did not finish within "
                        + timeout.toSeconds() + "s: " + tail(log, secret));
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IllegalStateException(doing + ": writing to " + program + ": " + e.getMessage() + ": "
                    + tail(log, secret), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(doing + ": interrupted while waiting for " + program, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(doing + ": " + program + " exited " + process.exitValue() + ": "
                    + tail(log, secret));
        }
    }

    /** The last lines of {@code file}, on one line, with {@code secret} blanked out. */
    static String tail(Path file, Optional<String> secret) {
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
        if (lines.isEmpty()) {
            return "(no output)";
        }
        String text = String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())).strip();
        return secret.filter(s -> !s.isEmpty()).map(s -> text.replace(s, "(secret)")).orElse(text);
    }
}
