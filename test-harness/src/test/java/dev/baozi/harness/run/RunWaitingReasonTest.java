package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** With one tofu slot taken by a slow apply, a plan of another workspace says it waits for the slot. */
@Tag("tofu")
class RunWaitingReasonTest {

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_MAX_CONCURRENT", "1"));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    @Test
    void a_plan_waiting_for_the_only_tofu_slot_says_so_in_its_json_and_its_log() {
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        var operator = admin.user("slot-op", "operator");
        var approver = admin.user("slot-ap", "approver");
        assertThat(operator.post("/workspaces", Map.of("name", "slow", "template", "demo-data",
                "inputs", Map.of("delay_seconds", 15))).status()).isEqualTo(201);
        assertThat(operator.post("/workspaces", Map.of("name", "quick", "template", "demo-data")).status()).isEqualTo(201);
        long slow = operator.post("/workspaces/slow/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(slow, Duration.ofMinutes(2), "planned");
        assertThat(approver.post("/runs/" + slow + "/approve", Map.of()).status()).isEqualTo(200);
        operator.awaitRun(slow, Duration.ofMinutes(1), "applying");

        long quick = operator.post("/workspaces/quick/runs", Map.of()).body().path("id").asLong();

        String why = "waiting for a tofu slot (1 of 1 in use)";
        Deadline.await("run " + quick + " to say it waits for a slot", Duration.ofSeconds(10),
                () -> why.equals(operator.get("/runs/" + quick).body().path("waiting").asText()));
        List<String> lines = operator.get("/runs/" + quick + "/logs").body().path("lines").findValuesAsText("line");
        assertThat(lines).contains(why);
        operator.awaitRun(quick, Duration.ofMinutes(2), "planned", "planned_no_changes");
        assertThat(operator.get("/runs/" + quick).body().has("waiting")).isFalse();
        operator.awaitRun(slow, Duration.ofMinutes(1), "applied");
    }
}
