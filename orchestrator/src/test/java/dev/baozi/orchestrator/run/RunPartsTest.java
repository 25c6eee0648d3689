package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the run engine: plan review, masking, redaction, log text, durations. */
class RunPartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_plan_is_counted_by_action_and_sensitive_values_are_masked_at_any_depth() throws Exception {
        String show = """
                {"format_version":"1.2","terraform_version":"1.12.6",
                 "variables":{"password":{"value":"hunter2-in-variables"}},
                 "resource_changes":[
                  {"address":"a.new","type":"a","name":"new","change":{"actions":["create"],"before":null,
                    "after":{"name":"n","password":"hunter2","nested":{"token":"t0ken","keep":1}},
                    "after_sensitive":{"password":true,"nested":{"token":true}}}},
                  {"address":"a.upd","type":"a","name":"upd","change":{"actions":["update"],"before":{"v":1},"after":{"v":2}}},
                  {"address":"a.rep","type":"a","name":"rep","change":{"actions":["delete","create"],"before":{},"after":{}}},
                  {"address":"a.del","type":"a","name":"del","change":{"actions":["delete"],"before":{"list":["s1","s2"]},
                    "before_sensitive":{"list":[false,true]},"after":null}},
                  {"address":"a.same","type":"a","name":"same","change":{"actions":["no-op"],"before":{},"after":{}}}
                 ]}
                """;

        PlanJson.Reviewed reviewed = PlanJson.review(show.getBytes(StandardCharsets.UTF_8));
        String text = reviewed.plan().toString();

        assertThat(reviewed.summary()).isEqualTo(new PlanSummary(1, 1, 1, 1));
        assertThat(reviewed.summary().destructive()).isTrue();
        assertThat(text).doesNotContain("hunter2").doesNotContain("t0ken").doesNotContain("s2").contains("s1");
        assertThat(reviewed.plan().at("/resource_changes/0/after/nested/keep").asInt()).isEqualTo(1);
        assertThat(reviewed.plan().at("/resource_changes/0/after/password").asText()).isEqualTo("(sensitive)");
        assertThat(reviewed.plan().path("resource_changes")).extracting(n -> n.path("action").asText())
                .containsExactly("create", "update", "replace", "delete");
        assertThat(reviewed.plan().has("variables")).isFalse();
    }

    @Test
    void known_secrets_are_redacted_longest_first_and_short_strings_are_left_alone() {
        var redactor = new Redactor(List.of("abc", "s3cret", "s3cret-and-more"));

        assertThat(redactor.redact("x s3cret-and-more y s3cret z abc")).isEqualTo("x (redacted) y (redacted) z abc");
    }

    @Test
    void a_value_tofu_marks_sensitive_in_one_place_is_masked_where_a_provider_copied_it_unmarked() {
        String show = """
                {"resource_changes":[{"address":"terraform_data.echo","type":"terraform_data","name":"echo",
                  "change":{"actions":["update"],
                    "before":{"input":{"p":"old-secret-value","n":"x"},"output":{"p":"old-secret-value","note":"has old-secret-value inside"}},
                    "before_sensitive":{"input":{"p":true}},
                    "after":{"input":{"p":"new-secret-value","n":"x"}},"after_sensitive":{"input":{"p":true}}}}]}
                """;

        String text = PlanJson.review(show.getBytes(StandardCharsets.UTF_8)).plan().toString();

        assertThat(text).doesNotContain("old-secret-value").doesNotContain("new-secret-value")
                .contains("\"note\":\"has (sensitive) inside\"").contains("\"n\":\"x\"");
    }

    @Test
    void a_secret_is_redacted_also_where_it_stands_escaped_inside_a_json_string() throws Exception {
        String secret = "pa\"ss\\word\n${file(\"/x\")}";
        var redactor = new Redactor(List.of(secret));
        String plan = JSON.createObjectNode().put("before", secret).toString();

        assertThat(redactor.redact(plan)).isEqualTo("{\"before\":\"(redacted)\"}");
    }

    @Test
    void a_json_log_line_becomes_its_message_and_a_diagnostic_keeps_its_detail() {
        assertThat(RunLog.readable("{\"@level\":\"info\",\"@message\":\"Plan: 1 to add\",\"type\":\"change_summary\"}"))
                .isEqualTo("Plan: 1 to add");
        assertThat(RunLog.readable("{\"@level\":\"error\",\"@message\":\"Error: Saved plan is stale\","
                + "\"diagnostic\":{\"severity\":\"error\",\"summary\":\"Saved plan is stale\",\"detail\":\"The given plan file can no longer be applied\"}}"))
                .isEqualTo("Error: Saved plan is stale: The given plan file can no longer be applied");
        assertThat(RunLog.readable("plain text")).isEqualTo("plain text");
    }

    @Test
    void timeouts_read_as_people_write_them() {
        assertThat(RunContext.human(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(RunContext.human(Duration.ofMinutes(30))).isEqualTo("30min");
        assertThat(RunContext.human(Duration.ofMinutes(90))).isEqualTo("1h30min");
        assertThat(RunContext.human(Duration.ofHours(1))).isEqualTo("1h");
    }
}
