package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A run applies the module it planned with: a template edited in between makes the apply refuse. */
@Tag("tofu")
class TemplatePinningTest {

    @Test
    void a_template_edited_after_the_plan_makes_the_apply_error_instead_of_applying_other_code() throws Exception {
        Path templates = Files.createTempDirectory("templates");
        Path source = TestStack.repoRoot().resolve("tf-modules/demo-data");
        Path copy = templates.resolve("demo-data");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        try (OpenBaoServer bao = OpenBaoServer.startDev(TestSupport.workDir());
                Orchestrator orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_TOFU_TEMPLATES_DIR", templates.toString(),
                        "BAOZI_RUNS_SELF_APPROVAL", "true"))) {
            var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
            admin.post("/workspaces", Map.of("name", "pinned", "template", "demo-data"));
            long id = admin.post("/workspaces/pinned/runs", Map.of()).body().path("id").asLong();
            JsonNode planned = admin.awaitRun(id, Duration.ofMinutes(2), "planned");

            Files.writeString(copy.resolve("README.md"), "edited after the plan\n");
            admin.post("/runs/" + id + "/approve", Map.of());
            JsonNode errored = admin.awaitRun(id, Duration.ofMinutes(2), "errored");

            assertThat(planned.path("moduleSha256").asText()).hasSize(64);
            assertThat(errored.path("error").asText()).contains("configuration changed since run " + id + " planned")
                    .contains("queue a new run");
            assertThat(admin.get("/runs/" + id + "/logs").body().toString()).doesNotContain("Apply complete");
        }
    }
}
