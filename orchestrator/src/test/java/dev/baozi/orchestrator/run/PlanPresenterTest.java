package dev.baozi.orchestrator.run;

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

    @Test
    void a_value_known_only_after_apply_shows_as_such_and_never_as_the_empty_placeholder_the_plan_holds() throws Exception {
        RunView.Resource r = PlanPresenter.present(plan("""
                [{"address": "vm.this", "action": "create", "before": null,
                  "after": {"name": "web", "network": [{}], "disk": {}, "ip": null},
                  "after_unknown": {"network": [{"mac": true}], "disk": {"id": true}, "ip": true, "id": true}}]"""))
                .groups().getFirst().resources().getFirst();

        assertThat(r.attributes()).extracting(RunView.Attribute::path)
                .containsExactlyInAnyOrder("name", "network[0].mac", "disk.id", "ip", "id");
        assertThat(r.attributes()).filteredOn(a -> !a.path().equals("name")).extracting(RunView.Attribute::after)
                .containsOnly(PlanPresenter.UNKNOWN);
    }

    @Test
    void changed_attributes_come_first_and_unchanged_ones_are_set_apart() throws Exception {
        RunView.Resource r = PlanPresenter.present(plan("""
                [{"address": "x.edit", "action": "update", "before": {"a": 1, "b": 2, "c": 3}, "after": {"a": 1, "b": 5, "c": 3}}]"""))
                .groups().getFirst().resources().getFirst();

        assertThat(r.changed()).extracting(RunView.Attribute::path).containsExactly("b");
        assertThat(r.unchanged()).extracting(RunView.Attribute::path).containsExactly("a", "c");
    }

    @Test
    void an_import_is_counted_in_the_summary_and_listed_with_the_id_it_comes_from() throws Exception {
        byte[] show = """
                {"format_version": "1.2", "terraform_version": "1.12.6",
                 "resource_changes": [
                   {"address": "x.old", "type": "x", "name": "old", "change": {"actions": ["no-op"],
                     "before": {"id": "42"}, "after": {"id": "42"}, "after_unknown": {}, "importing": {"id": "42"}}},
                   {"address": "x.same", "type": "x", "name": "same", "change": {"actions": ["no-op"],
                     "before": {"id": "7"}, "after": {"id": "7"}, "after_unknown": {}}},
                   {"address": "x.new", "type": "x", "name": "new", "change": {"actions": ["create"],
                     "before": null, "after": {"n": 1}, "after_unknown": {"id": true}}}]}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        RunView.Plan plan = PlanPresenter.present(dev.baozi.orchestrator.run.PlanJson.review(show).plan());

        assertThat(plan.imports()).isEqualTo(1);
        assertThat(plan.adds()).isEqualTo(1);
        assertThat(plan.empty()).isFalse();
        assertThat(plan.groups()).extracting(RunView.Group::action).containsExactly("create", "import");
        assertThat(plan.groups().get(1).resources().getFirst().importing()).isEqualTo("42");
    }

    @Test
    void an_output_known_only_after_apply_shows_as_such_whole_or_in_part() throws Exception {
        RunView.Plan plan = PlanPresenter.present(JSON.readTree("""
                {"summary": {"adds": 0, "changes": 1, "replaces": 0, "destroys": 0}, "resource_changes": [],
                 "output_changes": {
                   "items": {"action": "update", "before": {"a": "hello a"}, "after": {}, "after_unknown": {"a": true}},
                   "id": {"action": "create", "before": null, "after": null, "after_unknown": true},
                   "list": {"action": "update", "before": [1], "after": [1, null], "after_unknown": [false, true]}}}"""));

        assertThat(plan.outputs()).extracting(RunView.Output::after).containsExactly(
                "{\"a\":\"(known after apply)\"}", PlanPresenter.UNKNOWN, "[1,\"(known after apply)\"]");
    }
}
