package dev.baozi.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process of the harness, the one way every server and tool is started: its command,
 * folder and environment given up front, its output (stdout and stderr together) appended to a log
 * file, readiness awaited with a deadline (failing at once, with the log's tail, when it exits
 * instead), and on {@link #close()} a SIGTERM, then SIGKILL to it and its descendants after a
 * grace period. {@link Spec#run} is the same for a command that is waited for and must exit 0.
 *
 * <p>Messages quote the log's tail with the spec's secrets blanked out; nothing is printed.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 20;

    private final Spec spec;
    private final Process process;

    private ManagedProcess(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    /** A spec for {@code command} (program first), named {@code name} in messages ("OpenBao", "pg_ctl start"). */
    public static Spec command(String name, List<String> command) {
        return new Spec(name, List.copyOf(command), null, null, Map.of(), List.of(), Optional.empty(), List.of(), STOP_GRACE);
    }

    /**
     * How to start one process; each {@code with...} returns a changed copy.
     *
     * @param log where output goes (appended); required
     * @param stdin what is written to the process's input, then closed; none reads from /dev/null
     */
    public record Spec(String name, List<String> command, Path workDir, Path log, Map<String, String> env,
            List<String> removedEnvPrefixes, Optional<String> stdin, List<String> secrets, Duration stopGrace) {

        public Spec in(Path dir) {
            return new Spec(name, command, dir, log, env, removedEnvPrefixes, stdin, secrets, stopGrace);
        }

        public Spec logTo(Path file) {
            return new Spec(name, command, workDir, file, env, removedEnvPrefixes, stdin, secrets, stopGrace);
        }

        /** Sets these variables (on top of the harness's own environment). */
        public Spec env(Map<String, String> more) {
            var all = new HashMap<>(env);
            all.putAll(more);
            return new Spec(name, command, workDir, log, Map.copyOf(all), removedEnvPrefixes, stdin, secrets, stopGrace);
        }

        /** Leaves out inherited variables starting with these prefixes ({@code BAO_}, {@code PG}...). */
        public Spec withoutEnv(String... prefixes) {
            var all = new ArrayList<>(removedEnvPrefixes);
            all.addAll(List.of(prefixes));
            return new Spec(name, command, workDir, log, env, List.copyOf(all), stdin, secrets, stopGrace);
        }

        public Spec input(String text) {
            return new Spec(name, command, workDir, log, env, removedEnvPrefixes, Optional.of(text), secrets, stopGrace);
        }

        /** A value blanked out of every message that quotes the log. */
        public Spec secret(String value) {
            var all = new ArrayList<>(secrets);
            all.add(value);
            return new Spec(name, command, workDir, log, env, removedEnvPrefixes, stdin, List.copyOf(all), stopGrace);
        }

        public Spec stopGrace(Duration grace) {
            return new Spec(name, command, workDir, log, env, removedEnvPrefixes, stdin, secrets, grace);
        }

        /** Starts the process and returns at once. */
        public ManagedProcess start() {
            if (log == null) {
                throw new IllegalStateException("starting " + name + ": no log file given");
            }
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            if (stdin.isEmpty()) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            builder.environment().keySet().removeIf(k -> removedEnvPrefixes.stream().anyMatch(k::startsWith));
            builder.environment().putAll(env);
            Process process;
            try {
                if (workDir != null) {
                    Files.createDirectories(workDir);
                }
                Files.createDirectories(log.toAbsolutePath().getParent());
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("starting " + name + ": running " + command.getFirst(), e);
            }
            var managed = new ManagedProcess(this, process);
            if (stdin.isPresent()) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.get().getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    managed.close();
                    throw new UncheckedIOException(name + ": writing to " + program() + ": " + managed.logTail(), e);
                }
            }
            return managed;
        }

        /** Runs the command to its end; throws, quoting the log, when it exits non-zero or outlasts {@code timeout}. */
        public void run(Duration timeout) {
            ManagedProcess p = start();
            boolean ended;
            try {
                ended = p.awaitExit(timeout);
            } catch (RuntimeException interrupted) {
                p.close();
                throw interrupted;
            }
            if (!ended) {
                p.close();
                throw new IllegalStateException(name + ": " + program() + " did not finish within "
                        + timeout.toSeconds() + "s: " + p.logTail());
            }
            // Nothing is stopped once it ended by itself: what it left running (pg_ctl's server) is meant to stay.
            if (p.process.exitValue() != 0) {
                throw new IllegalStateException(name + ": " + program() + " exited " + p.process.exitValue() + ": " + p.logTail());
            }
        }

        private String program() {
            return Path.of(command.getFirst()).getFileName().toString();
        }
    }

    /**
     * Polls {@code ready} until it holds; throws (after stopping the process) when the process exits
     * first or {@code timeout} passes, quoting the log's tail.
     */
    public ManagedProcess awaitReady(String what, Duration timeout, BooleanSupplier ready) {
        try {
            Deadline.await(what, timeout, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(spec.name() + " exited with " + process.exitValue() + " before "
                            + what + ": " + logTail());
                }
                return ready.getAsBoolean();
            });
        } catch (RuntimeException e) {
            close();
            throw e.getMessage() != null && e.getMessage().startsWith("timed out")
                    ? new IllegalStateException(e.getMessage() + ": " + logTail(), e) : e;
        }
        return this;
    }

    /** Waits up to {@code timeout} for the process to end by itself; whether it did. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + spec.name() + " to end", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path log() {
        return spec.log();
    }

    /** The last lines of the log, the spec's secrets blanked out. */
    public String logTail() {
        return tail(spec.log(), spec.secrets());
    }

    /** The last lines of {@code file} (a server's own log, say), with {@code secrets} blanked out. */
    public static String tail(Path file, List<String> secrets) {
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
        if (lines.isEmpty()) {
            return "(no output; log " + file + ")";
        }
        String text = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())).strip();
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                text = text.replace(secret, "(secret)");
            }
        }
        return text;
    }

    /**
     * SIGTERM to the process (which stops its own children: gunicorn's workers, make run's servers);
     * SIGKILL to it after the grace period, and to any of its descendants still running then.
     */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(spec.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
