package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command a tofu step starts with: what the sandbox lets it see. */
class TofuSandboxTest {

    private static final Path TOFU = Path.of("/tools/bin/tofu");
    private static final Path RUN = Path.of("/srv/baozi/var/runs/7");

    @Test
    void without_a_sandbox_tofu_is_started_directly() {
        assertThat(TofuSandbox.NONE.command(TOFU, RUN, RUN.resolve("work"), List.of("plan", "-input=false")))
                .containsExactly("/tools/bin/tofu", "plan", "-input=false");
    }

    @Test
    void in_bubblewrap_tofu_sees_its_run_read_write_and_only_the_tools_read_only() {
        var sandbox = TofuSandbox.bubblewrap(Path.of("/usr/bin/bwrap"), List.of(Path.of("/tools/providers"), Path.of("/srv/baozi/var/runs/tofu.tfrc.json")));

        List<String> command = sandbox.command(TOFU, RUN, RUN.resolve("work"), List.of("apply", "plan.tfplan"));
        String text = String.join(" ", command);

        assertThat(command.getFirst()).isEqualTo("/usr/bin/bwrap");
        assertThat(text).contains("--unshare-all --share-net --die-with-parent --new-session --cap-drop ALL")
                .contains("--ro-bind /tools/bin/tofu /tools/bin/tofu")
                .contains("--ro-bind /tools/providers /tools/providers")
                .contains("--ro-bind /srv/baozi/var/runs/tofu.tfrc.json /srv/baozi/var/runs/tofu.tfrc.json")
                .contains("--bind /srv/baozi/var/runs/7 /srv/baozi/var/runs/7 --chdir /srv/baozi/var/runs/7/work")
                .contains("--proc /proc").contains("--tmpfs /tmp")
                .endsWith("-- /tools/bin/tofu apply plan.tfplan");
        assertThat(Collections.frequency(command, "--bind")).as("one folder is writable").isEqualTo(1);
        assertThat(text).doesNotContain("/srv/baozi/var/openbao").doesNotContain("/srv/baozi/var/orchestrator")
                .doesNotContain("--bind /srv/baozi/var/runs ");
    }

    @Test
    void the_environment_keeps_only_the_documented_variables() {
        Map<String, String> env = TofuEnvironment.inherited(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8",
                "BAOZI_OPENBAO_APPROLE_SECRET_ID", "s3cret", "VAULT_TOKEN", "t", "JAVA_HOME", "/jdk", "TF_LOG", "trace",
                "https_proxy", "http://proxy:3128"));

        assertThat(env).containsOnlyKeys("PATH", "LANG", "https_proxy");
    }
}
