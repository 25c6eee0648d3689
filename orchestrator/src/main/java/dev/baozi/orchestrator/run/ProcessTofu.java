package dev.baozi.orchestrator.run;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The real {@link Tofu}: a {@link TofuProcess} of the configured binary, inside the run's
 * {@link TofuSandbox}, with the environment of {@link TofuEnvironment} (nothing of the
 * orchestrator's own) plus the run's {@code HOME}, CLI configuration and what the call brings.
 */
public final class ProcessTofu implements Tofu {

    private final RunSettings settings;

    public ProcessTofu(RunSettings settings) {
        this.settings = settings;
    }

    @Override
    public Running prepare(Call call) {
        var process = new TofuProcess(settings.sandbox().sandboxed());
        Path work = call.runDir().resolve("work");
        var command = settings.sandbox().command(settings.tofu(), call.runDir(), work, call.args());
        Map<String, String> env = TofuEnvironment.inherited(System.getenv());
        env.put("HOME", call.runDir().toAbsolutePath().toString());
        env.put("TF_CLI_CONFIG_FILE", settings.cliConfig().toString());
        env.put("TF_IN_AUTOMATION", "1");
        env.put("TF_INPUT", "0");
        env.put("CHECKPOINT_DISABLE", "1");
        env.putAll(call.env());
        return new Running() {
            @Override
            public Outcome run(Consumer<String> stdout, Consumer<String> stderr) {
                var o = process.run(command, work, env, stdout, stderr, call.timeout(), settings.cancelGrace());
                return new Outcome(o.exitCode(), o.interrupted(), o.killed(), o.timedOut());
            }

            @Override
            public void interrupt() {
                process.interrupt(settings.cancelGrace());
            }

            @Override
            public void kill() {
                process.kill();
            }
        };
    }
}
