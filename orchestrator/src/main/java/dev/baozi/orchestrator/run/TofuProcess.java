package dev.baozi.orchestrator.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * One {@code tofu} process (Apache Commons Exec), its output delivered line by line. It can be
 * interrupted (SIGINT: tofu stops cleanly, saving state and releasing its lock) and killed;
 * a step that outlives its timeout is interrupted, and killed after the grace period.
 */
public final class TofuProcess {

    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tofu-timeouts");
        t.setDaemon(true);
        return t;
    });

    /** A tofu process started directly ({@code sandboxed} false) or through bubblewrap. */
    public TofuProcess(boolean sandboxed) {
        this.sandboxed = sandboxed;
    }

    public TofuProcess() {
        this(false);
    }

    /** How a step ended. */
    public record Outcome(int exitCode, boolean interrupted, boolean killed, boolean timedOut) {}

    private final CompletableFuture<Process> process = new CompletableFuture<>();
    /** Whether the process is bubblewrap around tofu rather than tofu itself. */
    private final boolean sandboxed;
    private volatile boolean interrupted;
    private volatile boolean killed;
    private volatile boolean timedOut;

    /** Runs {@code command} (tofu and its arguments, maybe inside a sandbox) in {@code dir} and blocks until it ends; stdout and stderr lines both go to {@code lines}. */
    public Outcome run(List<String> command, Path dir, Map<String, String> env, Consumer<String> lines,
            Duration timeout, Duration grace) {
        return run(command, dir, env, lines, lines, timeout, grace);
    }

    /** Runs {@code command} with stdout lines to {@code stdout} and stderr lines to {@code stderr}. */
    public Outcome run(List<String> command, Path dir, Map<String, String> env, Consumer<String> stdout,
            Consumer<String> stderr, Duration timeout, Duration grace) {
        CommandLine commandLine = new CommandLine(command.getFirst());
        command.subList(1, command.size()).forEach(a -> commandLine.addArgument(a, false));
        List<String> args = command.subList(command.indexOf("--") + 1, command.size()); // what to name in an error
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(dir).get();
        executor.setExitValues(null);
        var out = lineStream(stdout);
        var err = lineStream(stderr);
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        executor.setProcessDestroyer(new ProcessDestroyer() {
            @Override
            public boolean add(Process p) {
                process.complete(p);
                return true;
            }

            @Override
            public boolean remove(Process p) {
                return true;
            }

            @Override
            public int size() {
                return 1;
            }
        });
        var timer = TIMERS.schedule(() -> {
            timedOut = true;
            interrupt(grace);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            int exit = executor.execute(commandLine, env);
            return new Outcome(exit, interrupted, killed, timedOut);
        } catch (IOException e) {
            if (killed || interrupted) {
                return new Outcome(-1, interrupted, killed, timedOut);
            }
            throw new UncheckedIOException("running tofu " + String.join(" ", args), e);
        } finally {
            timer.cancel(false);
            try {
                out.close();
                err.close();
            } catch (IOException ignored) {
                // the process is gone; nothing more will come
            }
        }
    }

    private static LogOutputStream lineStream(Consumer<String> lines) {
        return new LogOutputStream(0, StandardCharsets.UTF_8) {
            @Override
            protected void processLine(String line, int level) {
                lines.accept(line);
            }
        };
    }

    /** Sends SIGINT; if tofu has not stopped after {@code grace}, kills it. */
    public void interrupt(Duration grace) {
        interrupted = true;
        process.thenAccept(p -> {
            // What tofu started (a provisioner's shell and its command) would outlive it: stop those once tofu is gone.
            List<ProcessHandle> children = p.descendants().toList();
            p.onExit().thenRun(() -> children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy));
            // In a sandbox, p is bubblewrap, which passes no signal on and would take tofu down with it:
            // the signal goes to what runs inside (tofu; providers ignore SIGINT and hear from tofu).
            List<ProcessHandle> targets = sandboxed
                    ? children.stream().filter(c -> !c.info().command().orElse("").endsWith("/bwrap")).toList()
                    : List.of(p.toHandle());
            for (ProcessHandle target : targets) {
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(target.pid())).start().waitFor(5, TimeUnit.SECONDS);
                } catch (IOException e) {
                    target.destroy(); // no kill(1): SIGTERM, which tofu also treats as an interrupt
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            TIMERS.schedule(this::kill, grace.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Kills the process now (SIGKILL). */
    public void kill() {
        process.thenAccept(p -> {
            if (p.isAlive()) {
                killed = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        });
    }
}
