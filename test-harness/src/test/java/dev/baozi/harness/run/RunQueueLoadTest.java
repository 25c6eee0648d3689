package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** 30 runs over 10 workspaces queued at once, with the global cap at 2 tofu processes. */
@Tag("tofu")
class RunQueueLoadTest {

    private static final Set<String> FINAL = Set.of("applied", "planned_no_changes", "discarded", "canceled", "errored");

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static TofuGauge gauge;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_MAX_CONCURRENT", "2"),
                new Orchestrator.Extras(tofu -> gauge = new TofuGauge(tofu), List.of()));
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    @Test
    void every_run_ends_and_never_two_tofu_processes_share_a_workspace_or_exceed_the_cap() {
        var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        var operator = admin.user("queue-op", "operator");
        var approver = admin.user("queue-ap", "approver");
        for (int w = 0; w < 10; w++) {
            assertThat(operator.post("/workspaces", Map.of("name", "load-" + w, "template", "demo-data")).status()).isEqualTo(201);
        }
        List<Long> ids = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
            ids.add(operator.post("/workspaces/load-" + (r % 10) + "/runs", Map.of()).body().path("id").asLong());
        }

        Set<Long> finished = new HashSet<>();
        Deadline.await("all 30 runs to end", Duration.ofMinutes(8), () -> {
            for (long id : ids) {
                if (finished.contains(id)) {
                    continue;
                }
                JsonNode run = operator.get("/runs/" + id).body();
                String status = run.path("status").asText();
                if (status.equals("planned")) {
                    approver.post("/runs/" + id + "/approve", Map.of());
                } else if (FINAL.contains(status)) {
                    finished.add(id);
                }
            }
            return finished.size() == ids.size();
        });

        List<String> statuses = ids.stream().map(id -> operator.get("/runs/" + id).body().path("status").asText()).toList();
        assertThat(statuses).filteredOn("applied"::equals).hasSize(10);
        assertThat(statuses).filteredOn("planned_no_changes"::equals).hasSize(20);
        assertThat(gauge.maxPerWorkspace()).isEqualTo(1);
        assertThat(gauge.maxRunning()).isEqualTo(2);
        assertThat(gauge.running()).isZero();
    }
}
