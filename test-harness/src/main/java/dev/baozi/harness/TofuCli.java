package dev.baozi.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the {@code tofu} that {@code make tools} built, in a directory, with the offline provider mirror. */
public final class TofuCli {

    private final Path dir;
    private final Map<String, String> env;

    public TofuCli(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = Map.copyOf(env);
    }

    /** A finished tofu process: exit code and combined output. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public Result run(String... args) {
        return start(args).await(Duration.ofMinutes(3));
    }

    /** Starts tofu without waiting for it. */
    public Running start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Tools.tofu().toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        var environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("BAO_") || k.startsWith("VAULT_"));
        environment.put("TF_CLI_CONFIG_FILE", Tools.tofuCliConfig().toString());
        environment.put("TF_IN_AUTOMATION", "1");
        environment.put("NO_COLOR", "1");
        environment.putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return new Running(process, output, String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException("starting tofu " + String.join(" ", args), e);
        }
    }

    /** A tofu process under way. */
    public record Running(Process process, CompletableFuture<String> output, String what) {
        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("tofu " + what + " did not finish within " + timeout.toSeconds() + "s");
                }
                return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for tofu " + what, e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("reading the output of tofu " + what, e);
            }
        }
    }
}
