package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.harness.Deadline;
import dev.baozi.vars.definition.DefinitionLoader;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.vars.generate.GenerationException;
import dev.baozi.vars.generate.GeneratorEngine;
import dev.baozi.vars.generate.GeneratorInput;
import dev.baozi.vars.generate.ScriptRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script generators run by the real /bin/sh: inputs and outputs as files, declared outputs checked, timeout, clean-up. */
class ScriptGeneratorTest {

    @TempDir
    Path tmp;

    private Path scratch;
    private GeneratorEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        engine = new GeneratorEngine(new SecureRandom(), Clock.systemUTC(), (m, p, b, h) -> {
            throw new AssertionError("no OpenBao call expected");
        }, new ScriptRunner(scratch));
    }

    private static GeneratorDefinition script(String script, String files, String timeout) {
        String json = """
                {"generators": {
                  "db": {"kind": "password"},
                  "app": {"kind": "script", "dependencies": ["db"], "prompts": {"domain": {}},
                          "files": %s, "params": {"script": %s, "timeout": "%s"}}
                }}""".formatted(files, com.fasterxml.jackson.databind.node.TextNode.valueOf(script).toString(), timeout);
        return DefinitionLoader.fromJson("test", json).get(GeneratorName.of("app"));
    }

    private static GeneratorInput input() {
        return new GeneratorInput(Map.of("domain", FileValue.of("shop.example")),
                Map.of(GeneratorName.of("db"), Map.of("password", FileValue.of("db-secret-value"))));
    }

    private boolean scratchIsEmpty() throws IOException {
        try (Stream<Path> s = Files.list(scratch)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void a_script_reads_its_inputs_from_files_and_writes_its_declared_outputs_in_a_private_directory() throws Exception {
        GeneratorDefinition g = script("""
                printf 'DATABASE_PASSWORD=%s' "$(cat "$in/db/password")" > "$out/env"
                printf 'https://%s' "$(cat "$prompts/domain")" > "$out/url"
                stat -c %a "$PWD" > "$out/mode"
                """, "{\"env\": {}, \"url\": {\"secret\": false}, \"mode\": {\"secret\": false}}", "10s");

        Map<String, FileValue> files = engine.generate(g, input());

        assertThat(files.get("env").text()).isEqualTo("DATABASE_PASSWORD=db-secret-value");
        assertThat(files.get("url").text()).isEqualTo("https://shop.example");
        assertThat(files.get("mode").text().strip()).isEqualTo("700");
        assertThat(scratchIsEmpty()).as("the private directory is deleted").isTrue();
    }

    @Test
    void a_declared_file_the_script_did_not_write_is_an_error_naming_it() throws Exception {
        GeneratorDefinition g = script("echo x > \"$out/env\"", "{\"env\": {}, \"url\": {}}", "10s");

        assertThatThrownBy(() -> engine.generate(g, input()))
                .isInstanceOf(GenerationException.class)
                .hasMessage("generating app with its script: it did not write the declared file url");
        assertThat(scratchIsEmpty()).isTrue();
    }

    @Test
    void a_file_the_definition_does_not_declare_is_an_error_naming_it() {
        GeneratorDefinition g = script("echo x > \"$out/env\"; echo y > \"$out/extra\"", "{\"env\": {}}", "10s");

        assertThatThrownBy(() -> engine.generate(g, input()))
                .isInstanceOf(GenerationException.class)
                .hasMessage("generating app with its script: it wrote extra, which is not a declared file");
    }

    @Test
    void a_failing_script_reports_its_status_but_not_what_it_printed() {
        GeneratorDefinition g = script("cat \"$in/db/password\" >&2; exit 3", "{\"env\": {}}", "10s");

        assertThatThrownBy(() -> engine.generate(g, input()))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("exited with status 3")
                .message().doesNotContain("db-secret-value");
    }

    @Test
    void a_script_past_its_timeout_is_killed_with_its_child_processes() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        GeneratorDefinition g = script("sleep 300 & echo $! > '" + pidFile + "'; wait", "{\"env\": {}}", "1s");
        long started = System.nanoTime();

        assertThatThrownBy(() -> engine.generate(g, input()))
                .isInstanceOf(GenerationException.class)
                .hasMessage("generating app with its script: the script ran longer than its timeout of 1000 ms and was "
                        + "killed with its child processes");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        Deadline.await("the script's child " + child + " to be gone", Duration.ofSeconds(10),
                () -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
        assertThat(scratchIsEmpty()).isTrue();
    }
}
