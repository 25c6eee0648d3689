package dev.baozi.orchestrator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.ui.view.RunView;
import org.junit.jupiter.api.Test;

class PlanPresenterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode plan(String resourceChanges) throws Exception {
        return JSON.readTree("""
                {"summary": {"adds": 1, "changes": 1, "replaces": 1, "destroys": 1},
                 "resource_changes": %s,
                 "output_changes": {"id": {"action": "update", "before": "a", "after": "b"},
                                    "same": {"action": "no-op", "before": 1, "after": 1}}}
                """.formatted(resourceChanges));
    }

    @Test
    void resources_are_grouped_create_update_replace_destroy_whatever_order_the_plan_lists_them_in() throws Exception {
        RunView.Plan plan = PlanPresenter.present(plan("""
                [{"address": "x.gone", "action": "delete", "before": {"a": 1}, "after": null},
                 {"address": "x.new", "action": "create", "before": null, "after": {"a": 1}},
                 {"address": "x.swap", "action": "replace", "before": {"a": 1}, "after": {"a": 2}, "replace_paths": [["a"]]},
                 {"address": "x.edit", "action": "update", "before": {"a": 1}, "after": {"a": 2}}]"""));

        assertThat(plan.groups()).extracting(RunView.Group::action).containsExactly("create", "update", "replace", "delete");
        assertThat(plan.groups()).extracting(RunView.Group::label)
                .containsExactly("Create", "Update in place", "Replace", "Destroy");
        assertThat(plan.groups().get(2).resources().getFirst().replacedBy()).containsExactly("a");
        assertThat(plan.outputs()).extracting(RunView.Output::name).containsExactly("id");
        assertThat(plan.destructive()).isTrue();
    }

    @Test
    void an_update_shows_every_attribute_with_its_before_and_after_and_marks_the_changed_ones() throws Exception {
        RunView.Resource r = PlanPresenter.present(plan("""
                [{"address": "terraform_data.item[\\"a\\"]", "action": "update",
                  "before": {"input": "stale a", "id": "123", "tags": ["x", "y"]},
                  "after": {"input": "hello a", "id": "123", "tags": ["x"]},
                  "after_unknown": {"output": true}}]""")).groups().getFirst().resources().getFirst();

        assertThat(r.attributes()).contains(
                new RunView.Attribute("input", "\"stale a\"", "\"hello a\"", true),
                new RunView.Attribute("id", "\"123\"", "\"123\"", false),
                new RunView.Attribute("tags[1]", "\"y\"", "", true),
                new RunView.Attribute("output", "", PlanPresenter.UNKNOWN, true));
    }

    @Test
    void a_value_the_plan_masked_shows_as_sensitive_without_quotes_and_never_as_its_value() throws Exception {
        RunView.Resource r = PlanPresenter.present(plan("""
                [{"address": "terraform_data.note", "action": "update",
                  "before": {"input": "(sensitive)"}, "after": {"input": "(sensitive)"}}]""")).groups().getFirst().resources().getFirst();

        assertThat(r.attributes()).containsExactly(new RunView.Attribute("input", "(sensitive)", "(sensitive)", false));
    }

    @Test
    void a_create_has_empty_befores_and_a_destroy_empty_afters() throws Exception {
        RunView.Plan plan = PlanPresenter.present(plan("""
                [{"address": "a.new", "action": "create", "before": null, "after": {"n": 1}},
                 {"address": "a.old", "action": "delete", "before": {"n": 2}, "after": null}]"""));

        assertThat(plan.groups().get(0).resources().getFirst().attributes()).containsExactly(new RunView.Attribute("n", "", "1", true));
        assertThat(plan.groups().get(1).resources().getFirst().attributes()).containsExactly(new RunView.Attribute("n", "2", "", true));
    }
}
