package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** No run stays in progress forever: a step past its timeout is stopped and the run errors, saying why. */
@Tag("tofu")
class RunTimeoutTest {

    @Test
    void an_apply_past_its_timeout_is_stopped_and_the_run_errors_naming_the_timeout() {
        try (OpenBaoServer bao = OpenBaoServer.startDev(TestSupport.workDir());
                Orchestrator orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_APPLY_TIMEOUT", "3s",
                        "BAOZI_RUNS_CANCEL_GRACE", "2s", "BAOZI_RUNS_SELF_APPROVAL", "true"))) {
            var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
            admin.post("/workspaces", Map.of("name", "too-slow", "template", "demo-data", "inputs", Map.of("delay_seconds", 120)));
            long id = admin.post("/workspaces/too-slow/runs", Map.of()).body().path("id").asLong();
            admin.awaitRun(id, Duration.ofMinutes(2), "planned");
            admin.post("/runs/" + id + "/approve", Map.of());

            JsonNode errored = admin.awaitRun(id, Duration.ofMinutes(1), "errored");

            assertThat(errored.path("error").asText()).isEqualTo("tofu apply timed out after 3s and was stopped");
            assertThat(admin.get("/workspaces/too-slow/lock").status()).isEqualTo(404);
        }
    }
}
