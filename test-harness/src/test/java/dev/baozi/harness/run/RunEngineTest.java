package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs through their life with the real tofu, the real OpenBao and Baozi's own state backend. */
@Tag("tofu")
class RunEngineTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;
    private static ApiClient secondApprover;
    private static Path runsDir;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        runsDir = Files.createTempDirectory("runs");
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_RUNS_DIR", runsDir.toString()));
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("olga", "operator");
        approver = admin.user("abe", "approver");
        secondApprover = admin.user("ann", "approver");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private static void workspace(String name, Map<String, Object> inputs) {
        var created = operator.post("/workspaces", Map.of("name", name, "template", "demo-data", "inputs", inputs));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static long queue(String workspace) {
        var queued = operator.post("/workspaces/" + workspace + "/runs", Map.of());
        assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
        return queued.body().path("id").asLong();
    }

    @Test
    void a_run_plans_waits_for_another_person_applies_and_the_next_plan_has_no_changes() {
        workspace("life", Map.of("names", List.of("a", "b"), "secret_note", "canary-secret-9f3e"));
        long id = approver.post("/workspaces/life/runs", Map.of()).body().path("id").asLong();

        JsonNode planned = operator.awaitRun(id, WAIT, "planned");
        JsonNode plan = operator.get("/runs/" + id + "/plan").body();
        var byOperator = operator.post("/runs/" + id + "/approve", Map.of("comment", "mine"));
        var selfApproval = approver.post("/runs/" + id + "/approve", Map.of("comment", "mine"));
        var approval = secondApprover.post("/runs/" + id + "/approve", Map.of("comment", "looks right"));
        JsonNode applied = operator.awaitRun(id, WAIT, "applied");

        assertThat(planned.path("summary").path("adds").asInt()).isEqualTo(4);
        assertThat(plan.path("resource_changes").toString()).contains("terraform_data.item[\\\"a\\\"]").contains("(sensitive)")
                .doesNotContain("canary-secret-9f3e");
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(byOperator.error()).isEqualTo("this needs the approver role; user:olga is operator");
        assertThat(selfApproval.status()).isEqualTo(403);
        assertThat(selfApproval.error()).contains("queued by user:abe, who may not also approve it");
        assertThat(approval.status()).isEqualTo(200);
        assertThat(applied.path("decidedBy").asText()).isEqualTo("user:ann");
        assertThat(applied.path("decisionComment").asText()).isEqualTo("looks right");
        assertThat(operator.get("/runs/" + id + "/logs").body().toString()).contains("Apply complete").doesNotContain("canary-secret-9f3e");
        assertThat(Files.exists(runsDir.resolve(id + "/plan.tfplan.sealed"))).isFalse();

        long second = queue("life");
        assertThat(operator.awaitRun(second, WAIT, "planned_no_changes").path("summary").path("adds").asInt()).isZero();
    }

    @Test
    void a_run_waiting_for_approval_holds_the_queue_and_discarding_it_releases_the_next() {
        workspace("queue-hold", Map.of());
        long first = queue("queue-hold");
        operator.awaitRun(first, WAIT, "planned");
        assertThat(Files.exists(runsDir.resolve(first + "/plan.tfplan.sealed"))).isTrue();
        long second = queue("queue-hold");

        assertThat(operator.get("/runs/" + second).body().path("status").asText()).isEqualTo("queued");
        var discard = approver.post("/runs/" + first + "/discard", Map.of("comment", "not now"));
        JsonNode next = operator.awaitRun(second, WAIT, "planned");

        assertThat(discard.status()).isEqualTo(200);
        assertThat(discard.body().path("status").asText()).isEqualTo("discarded");
        assertThat(Files.exists(runsDir.resolve(first + "/plan.tfplan.sealed"))).isFalse();
        assertThat(next.path("status").asText()).isEqualTo("planned");
        approver.post("/runs/" + second + "/discard", Map.of());
    }

    @Test
    void destroying_or_replacing_needs_an_explicit_confirmation() {
        workspace("replace-me", Map.of("generation", 1));
        long first = queue("replace-me");
        operator.awaitRun(first, WAIT, "planned");
        approver.post("/runs/" + first + "/approve", Map.of());
        operator.awaitRun(first, WAIT, "applied");
        long destroy = operator.post("/workspaces/replace-me/runs", Map.of("destroy", true)).body().path("id").asLong();
        JsonNode planned = operator.awaitRun(destroy, WAIT, "planned");

        var unconfirmed = approver.post("/runs/" + destroy + "/approve", Map.of());
        var confirmed = approver.post("/runs/" + destroy + "/approve", Map.of("confirm_destroy", true));

        assertThat(planned.path("summary").path("destroys").asInt()).isEqualTo(4);
        assertThat(unconfirmed.status()).isEqualTo(409);
        assertThat(unconfirmed.error()).contains("destroys 4").contains("confirm_destroy");
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(operator.awaitRun(destroy, WAIT, "applied").path("destroyConfirmed").asBoolean()).isTrue();
    }

    @Test
    void a_plan_made_stale_by_another_write_is_refused_at_apply_and_the_run_says_why() throws Exception {
        workspace("stale", Map.of());
        long first = queue("stale");
        operator.awaitRun(first, WAIT, "planned");
        approver.post("/runs/" + first + "/approve", Map.of());
        operator.awaitRun(first, WAIT, "applied");
        long second = queue("stale");
        // a plan that changes something, then the state moves underneath it
        operator.awaitRun(second, WAIT, "planned_no_changes");
        var state = TestSupport.client(orchestrator);
        String token = state.token("stale", "read-write");
        long third = operator.post("/workspaces/stale/runs", Map.of("destroy", true)).body().path("id").asLong();
        operator.awaitRun(third, WAIT, "planned");
        var current = (com.fasterxml.jackson.databind.node.ObjectNode) StateHttp.json(state.state("GET", "stale", token, null, null));
        current.put("serial", current.path("serial").asLong() + 1);
        assertThat(state.state("POST", "stale", token, ApiClient.JSON.writeValueAsBytes(current), null).statusCode()).isEqualTo(200);

        approver.post("/runs/" + third + "/approve", Map.of("confirm_destroy", true));
        JsonNode errored = operator.awaitRun(third, WAIT, "errored");

        assertThat(errored.path("error").asText()).contains("tofu apply failed").containsIgnoringCase("stale");
    }

    @Test
    void cancelling_mid_apply_interrupts_tofu_which_saves_state_and_releases_its_lock() throws Exception {
        workspace("cancel-apply", Map.of("delay_seconds", 60));
        long id = queue("cancel-apply");
        operator.awaitRun(id, WAIT, "planned");
        approver.post("/runs/" + id + "/approve", Map.of());
        operator.awaitRun(id, WAIT, "applying");
        dev.baozi.harness.Deadline.await("the slow resource to start", WAIT,
                () -> operator.get("/runs/" + id + "/logs").body().toString().contains("local-exec"));

        var cancel = operator.post("/runs/" + id + "/cancel", Map.of());
        JsonNode canceled = operator.awaitRun(id, Duration.ofSeconds(60), "canceled");

        assertThat(cancel.status()).isEqualTo(200);
        dev.baozi.harness.Deadline.await("the provisioner's sleep to be gone with tofu", Duration.ofSeconds(20),
                () -> ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").endsWith("sleep 60")));
        assertThat(canceled.path("canceledBy").asText()).isEqualTo("user:olga");
        assertThat(canceled.path("error").asText()).contains("interrupted");
        assertThat(admin.get("/workspaces/cancel-apply/lock").status()).isEqualTo(404);
        var state = TestSupport.client(orchestrator);
        String token = state.token("cancel-apply", "read-only");
        JsonNode saved = StateHttp.json(state.state("GET", "cancel-apply", token, null, null));
        assertThat(saved.path("resources").size()).as(operator.get("/runs/" + id + "/logs").body().toString())
                .isPositive(); // what was created before the interrupt is in state
        long next = queue("cancel-apply");
        JsonNode nextSummary = operator.awaitRun(next, WAIT, "planned").path("summary");
        assertThat(nextSummary.path("adds").asInt() + nextSummary.path("replaces").asInt()).isPositive(); // finishes the interrupted work
        approver.post("/runs/" + next + "/discard", Map.of());
    }

    @Test
    void a_queued_run_is_canceled_at_once_and_a_final_run_cannot_be() {
        workspace("cancel-queued", Map.of());
        long first = queue("cancel-queued");
        long second = queue("cancel-queued");

        var cancelQueued = operator.post("/runs/" + second + "/cancel", Map.of());
        operator.awaitRun(first, WAIT, "planned");
        approver.post("/runs/" + first + "/discard", Map.of());
        var cancelFinal = operator.post("/runs/" + first + "/cancel", Map.of());

        assertThat(cancelQueued.status()).isEqualTo(200);
        assertThat(cancelQueued.body().path("status").asText()).isEqualTo("canceled");
        assertThat(cancelFinal.status()).isEqualTo(409);
        assertThat(cancelFinal.error()).isEqualTo("run " + first + " is already discarded");
    }

    @Test
    void changed_inputs_are_planned_as_an_update_and_a_requested_replacement_as_a_replacement() {
        workspace("changing", Map.of("names", List.of("a")));
        long first = queue("changing");
        operator.awaitRun(first, WAIT, "planned");
        approver.post("/runs/" + first + "/approve", Map.of());
        operator.awaitRun(first, WAIT, "applied");

        var changed = operator.call("PATCH", "/workspaces/changing", Map.of("inputs", Map.of("greeting", "moin")));
        var unchanged = operator.call("PATCH", "/workspaces/changing", Map.of("inputs", Map.of("greeting", "moin")));
        long update = queue("changing");
        JsonNode updatePlan = operator.awaitRun(update, WAIT, "planned");
        var whilePlanned = operator.call("PATCH", "/workspaces/changing", Map.of("inputs", Map.of("greeting", "servus")));
        approver.post("/runs/" + update + "/approve", Map.of());
        operator.awaitRun(update, WAIT, "applied");
        long replace = operator.post("/workspaces/changing/runs",
                Map.of("replace", List.of("module.demo-data.terraform_data.item[\"a\"]"))).body().path("id").asLong();
        JsonNode replacePlan = operator.awaitRun(replace, WAIT, "planned");

        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.body().path("changed").toString()).isEqualTo("[\"greeting\"]");
        assertThat(changed.body().path("inputs").path("greeting").asText()).isEqualTo("moin");
        assertThat(unchanged.body().path("changed").size()).isZero();
        assertThat(updatePlan.path("summary").path("changes").asInt()).isEqualTo(1);
        assertThat(updatePlan.path("summary").path("adds").asInt()).isZero();
        assertThat(whilePlanned.status()).isEqualTo(409);
        assertThat(whilePlanned.error()).isEqualTo("run " + update + " is planned; discard it or let it finish before changing"
                + " the inputs of changing");
        assertThat(replacePlan.path("replace").toString()).contains("terraform_data.item");
        assertThat(replacePlan.path("summary").path("replaces").asInt()).isEqualTo(1);
        assertThat(approver.post("/runs/" + replace + "/approve", Map.of()).status()).as("a replacement needs confirm_destroy")
                .isEqualTo(409);
        approver.post("/runs/" + replace + "/discard", Map.of());
        assertThat(admin.get("/audit?limit=1000").body().toString()).contains("inputs changed: greeting")
                .doesNotContain("moin");
    }

    @Test
    void a_bad_change_of_inputs_or_a_bad_replace_address_is_refused_and_nothing_changes() {
        workspace("bad-change", Map.of("greeting", "hi"));

        var wrongType = operator.call("PATCH", "/workspaces/bad-change", Map.of("inputs", Map.of("generation", "two", "colour", 1)));
        var notInputs = operator.call("PATCH", "/workspaces/bad-change", Map.of("template", "other"));
        var byViewer = admin.user("vicky", "viewer").call("PATCH", "/workspaces/bad-change", Map.of("inputs", Map.of("greeting", "x")));
        var badAddress = operator.post("/workspaces/bad-change/runs", Map.of("replace", List.of("-destroy")));
        var both = operator.post("/workspaces/bad-change/runs", Map.of("destroy", true, "replace", List.of("terraform_data.a")));
        var reset = operator.call("PATCH", "/workspaces/bad-change", "{\"inputs\": {\"greeting\": null}}");

        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.error()).contains("variable generation: must be number, got a string")
                .contains("variable colour: template demo-data declares no such variable");
        assertThat(notInputs.status()).isEqualTo(400);
        assertThat(notInputs.error()).isEqualTo("the body must be a JSON object with inputs (a merge patch of the variable values)");
        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(badAddress.status()).isEqualTo(400);
        assertThat(badAddress.error()).startsWith("replace: '-destroy' is not a resource address");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.error()).contains("give destroy or replace, not both");
        assertThat(operator.get("/workspaces/bad-change/runs").body().path("runs").size()).isZero();
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.body().path("inputs").has("greeting")).as("null resets a variable to its default").isFalse();
    }

    @Test
    void bad_workspace_inputs_are_refused_naming_each_variable() {
        var answer = operator.post("/workspaces", Map.of("name", "bad-inputs", "template", "demo-data",
                "inputs", Map.of("names", "not-a-list", "greeting", 5, "colour", "blue")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.error()).contains("variable names: must be list(string), got a string")
                .contains("variable greeting: must be string, got a number")
                .contains("variable colour: template demo-data declares no such variable");
        assertThat(operator.get("/workspaces/bad-inputs").status()).isEqualTo(404);
    }

    @Test
    void the_generated_directory_is_the_same_bytes_for_the_same_inputs_and_holds_no_secret() {
        workspace("gen-a", Map.of("greeting", "} resource \"x\" {", "secret_note", "canary-in-files-7"));

        JsonNode first = operator.get("/workspaces/gen-a/files").body();
        JsonNode second = operator.get("/workspaces/gen-a/files").body();
        String main = first.path("files").path("main.tf.json").asText();
        String values = first.path("files").path("baozi.auto.tfvars.json").asText();

        assertThat(first).isEqualTo(second);
        assertThat(main).contains("\"greeting\" : \"${var.greeting}\"").doesNotContain("resource \\\"x\\\"");
        assertThat(values).contains("\"greeting\" : \"} resource \\\"x\\\" {\"");
        assertThat(first.toString()).doesNotContain("canary-in-files-7");
        assertThat(main).contains("\"source\" : \"./modules/demo-data-" + first.path("module_sha256").asText().substring(0, 16));
        assertThat(first.toString()).doesNotContain("bzs_");
    }

    @Test
    void the_log_stream_replays_what_was_logged_then_follows_until_the_plan_is_ready() throws Exception {
        workspace("streamed", Map.of());
        long id = queue("streamed");

        List<String> live = sse(id);
        List<String> late = sse(id);

        assertThat(live).as(String.join("\n", RAW)).anyMatch(l -> l.contains("generated configuration")).anyMatch(l -> l.contains("plan ready"));
        assertThat(live.getLast()).isEqualTo("event: end");
        assertThat(lines(late)).isEqualTo(lines(live));
        approver.post("/runs/" + id + "/discard", Map.of());
    }

    private static final List<String> RAW = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** "seq: line" of every log line event. */
    private static List<String> lines(List<String> events) {
        return events.stream().filter(l -> l.startsWith("data:")).map(l -> {
            try {
                JsonNode data = ApiClient.JSON.readTree(l.substring(5));
                return data.has("seq") ? data.path("seq").asInt() + ": " + data.path("line").asText() : "end " + data.path("status").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(l, e);
            }
        }).toList();
    }

    /** The lines of the run's event stream, up to its end event. */
    private static List<String> sse(long id) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + orchestrator.port() + "/api/v1/runs/" + id + "/logs/stream"))
                .header("Authorization", "Bearer " + TestStack.ADMIN_TOKEN)
                .header("Accept", "text/event-stream").build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        var lines = new java.util.ArrayList<String>();
        try (var stream = response.body()) {
            var it = stream.iterator();
            while (it.hasNext()) {
                String line = it.next();
                RAW.add(line);
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("event:") || line.startsWith("data:")) {
                    lines.add(line.startsWith("event:") ? line.strip() : line);
                }
                if (line.strip().equals("event: end")) {
                    break;
                }
            }
        }
        return lines;
    }
}
