package dev.baozi.orchestrator.workspace;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.InvalidTemplateException;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.TemplateVariable;
import dev.baozi.orchestrator.workspace.VariableType;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.ui.view.InputsView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The forms that create a workspace and edit its inputs, built from its template's variables.
 * They go through the same {@link WorkspaceService} calls as the API, so the same checks apply;
 * a refusal shows each problem next to its field with the typed values kept. A sensitive
 * variable's field is write-only: its value is never sent to the browser, and left blank it
 * keeps the value it has.
 */
public final class InputPagesController {

    /** Form fields of variables are named {@code var.<name>}, apart from the form's own fields. */
    static final String PREFIX = "var.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceService workspaces;
    private final UiSupport ui;

    public InputPagesController(WorkspaceService workspaces, UiSupport ui) {
        this.workspaces = workspaces;
        this.ui = ui;
    }

    /** The new-workspace form: first the choice of template, then that template's fields. */
    public void newForm(Context ctx) {
        String templateName = ctx.queryParam("template");
        if (templateName == null || templateName.isBlank()) {
            renderNew(ctx, HttpStatus.OK, null, "", "", List.of(), List.of());
            return;
        }
        Template template = template(ctx, templateName);
        if (template != null) {
            renderNew(ctx, HttpStatus.OK, template, "", "", fields(template, JSON.createObjectNode(), null, Map.of()), List.of());
        }
    }

    public void create(Context ctx) {
        Template template = template(ctx, ctx.formParam("template"));
        if (template == null) {
            return;
        }
        String name = orEmpty(ctx.formParam("name")).strip();
        String provider = orEmpty(ctx.formParam("provider")).strip();
        Parsed parsed = parse(template, ctx, JSON.createObjectNode(), false);
        List<String> problems = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>(parsed.errors());
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (errors.isEmpty()) {
            switch (workspaces.create(name, template.name(), parsed.values(), null, provider.isEmpty() ? null : provider,
                    Caller.principal(ctx))) {
                case WorkspaceService.CreateOutcome.Created c -> {
                    ctx.redirect("/workspaces/" + c.workspace().name() + "?done=created", HttpStatus.SEE_OTHER);
                    return;
                }
                case WorkspaceService.CreateOutcome.Invalid i -> assign(i.problems(), template, errors, problems);
                case WorkspaceService.CreateOutcome.Exists e -> {
                    status = HttpStatus.CONFLICT;
                    problems.add("name: a workspace named " + e.name() + " already exists; choose another name");
                }
                case WorkspaceService.CreateOutcome.StateExists e -> {
                    status = HttpStatus.CONFLICT;
                    problems.add("name: the state backend already holds state named " + e.name() + " (" + e.state()
                            + ") that no workspace made; Baozi does not adopt it, so choose another name");
                }
            }
        }
        renderNew(ctx, status, template, name, provider, fields(template, JSON.createObjectNode(), ctx, errors), problems);
    }

    /** The workspace's template; null (and a page saying so) when it is gone from tf-modules. */
    private Template template(Context ctx, Workspace ws) {
        Template template = workspaces.template(ws).orElse(null);
        if (template == null) {
            ui.message(ctx, HttpStatus.CONFLICT, UiSupport.chrome(ctx, ws.name()), "Template gone",
                    "The template " + ws.template() + " of workspace " + ws.name() + " is no longer in tf-modules.");
        }
        return template;
    }

    public void editForm(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        Template template = template(ctx, ws);
        if (template == null) {
            return;
        }
        renderEdit(ctx, HttpStatus.OK, ws, template, fields(template, workspaces.maskedInputs(ws), null, Map.of()), List.of());
    }

    public void update(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        Template template = template(ctx, ws);
        if (template == null) {
            return;
        }
        Parsed parsed = parse(template, ctx, ws.inputs(), true);
        Map<String, String> errors = new LinkedHashMap<>(parsed.errors());
        List<String> problems = new ArrayList<>();
        HttpStatus status = HttpStatus.BAD_REQUEST;
        if (errors.isEmpty()) {
            switch (workspaces.updateInputs(ws, parsed.values(), Caller.principal(ctx))) {
                case WorkspaceService.UpdateOutcome.Updated u -> {
                    ctx.redirect("/workspaces/" + ws.name() + "?done=" + (u.changed().isEmpty() ? "unchanged" : "inputs"),
                            HttpStatus.SEE_OTHER);
                    return;
                }
                case WorkspaceService.UpdateOutcome.Invalid i -> assign(i.problems(), template, errors, problems);
                case WorkspaceService.UpdateOutcome.Held h -> {
                    status = HttpStatus.CONFLICT;
                    problems.add(UiSupport.sentence(h.reason()));
                }
            }
        }
        renderEdit(ctx, status, ws, template, fields(template, workspaces.maskedInputs(ws), ctx, errors), problems);
    }

    /** The values a form gave, as the service takes them, and what was wrong with fields it could not read. */
    record Parsed(ObjectNode values, Map<String, String> errors) {}

    /**
     * Reads the form's fields. A blank field means "not set": left out of a new workspace, reset to
     * the template's default when editing ({@code null} in the merge patch), except a sensitive one,
     * which keeps its value when left blank.
     */
    static Parsed parse(Template template, Context ctx, JsonNode current, boolean editing) {
        Map<String, String> form = new LinkedHashMap<>();
        for (TemplateVariable v : formVariables(template)) {
            form.put(v.name(), ctx.formParam(PREFIX + v.name()));
        }
        return parse(template, form, editing);
    }

    static Parsed parse(Template template, Map<String, String> form, boolean editing) {
        ObjectNode values = JSON.createObjectNode();
        Map<String, String> errors = new LinkedHashMap<>();
        for (TemplateVariable v : formVariables(template)) {
            String raw = orEmpty(form.get(v.name()));
            if (raw.isBlank()) {
                if (editing && !v.sensitive()) {
                    values.putNull(v.name());
                }
                continue;
            }
            switch (kind(v.type())) {
                case "string" -> values.put(v.name(), raw);
                case "number" -> {
                    try {
                        values.put(v.name(), new BigDecimal(raw.strip()));
                    } catch (NumberFormatException e) {
                        errors.put(v.name(), v.sensitive() ? "must be a number" : "must be a number, not '" + raw.strip() + "'");
                    }
                }
                case "bool" -> {
                    switch (raw.strip()) {
                        case "true" -> values.put(v.name(), true);
                        case "false" -> values.put(v.name(), false);
                        default -> errors.put(v.name(), "must be true or false");
                    }
                }
                default -> {
                    try {
                        values.set(v.name(), JSON.readTree(raw));
                    } catch (JsonProcessingException e) {
                        // the parser's message quotes the text: never for a sensitive value
                        errors.put(v.name(), "must be JSON of type " + v.type().describe() + "; the text is not JSON (line "
                                + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
                    }
                }
            }
        }
        return new Parsed(values, errors);
    }

    /**
     * Puts each of the service's problems beside the field it names ({@code variable x: …} or
     * {@code x: …}); the rest go above the form.
     */
    static void assign(List<String> serviceProblems, Template template, Map<String, String> errors, List<String> general) {
        for (String problem : serviceProblems) {
            String p = problem.startsWith("variable ") ? problem.substring("variable ".length()) : problem;
            int colon = p.indexOf(':');
            String field = colon < 0 ? null : p.substring(0, colon);
            if (field != null && formVariables(template).stream().anyMatch(v -> v.name().equals(field))) {
                errors.merge(field, p.substring(colon + 1).strip(), (a, b) -> a + "; " + b);
            } else {
                general.add(UiSupport.sentence(problem));
            }
        }
    }

    /** The fields of {@code template}: what the form typed when it comes back ({@code typed}), else {@code current}. */
    static List<InputsView.Field> fields(Template template, JsonNode current, Context typed, Map<String, String> errors) {
        List<InputsView.Field> out = new ArrayList<>();
        for (TemplateVariable v : formVariables(template)) {
            JsonNode now = current == null ? null : current.get(v.name());
            String value;
            if (v.sensitive()) {
                value = ""; // write-only: never the current value, nor the typed one
            } else if (typed != null) {
                value = orEmpty(typed.formParam(PREFIX + v.name()));
            } else {
                value = now == null ? "" : (now.isTextual() ? now.asText() : now.toPrettyString());
            }
            String defaultText = v.defaultValue() == null ? null
                    : v.sensitive() ? "(sensitive)" : v.defaultValue().isTextual() ? v.defaultValue().asText() : v.defaultValue().toString();
            out.add(new InputsView.Field(v.name(), kind(v.type()), v.type().describe(), orEmpty(v.description()), v.required(),
                    defaultText, v.sensitive(), now != null && !now.isNull(), value, errors.get(v.name())));
        }
        return out;
    }

    private static List<TemplateVariable> formVariables(Template template) {
        return template.variables().stream().filter(v -> !template.supplied().contains(v.name())).toList();
    }

    static String kind(VariableType type) {
        if (type instanceof VariableType.Primitive p) {
            return p.name();
        }
        return "json";
    }

    private void renderNew(Context ctx, HttpStatus status, Template template, String name, String provider,
            List<InputsView.Field> fields, List<String> problems) {
        ui.render(ctx, status, ui.pages().inputs(new InputsView(UiSupport.chrome(ctx, "New workspace"), null,
                template == null ? null : template.name(), workspaces.templates().names(), name, provider, fields, problems)));
    }

    private void renderEdit(Context ctx, HttpStatus status, Workspace ws, Template template, List<InputsView.Field> fields,
            List<String> problems) {
        ui.render(ctx, status, ui.pages().inputs(new InputsView(UiSupport.chrome(ctx, "Inputs of " + ws.name()), ws.name(),
                template.name(), List.of(), ws.name(), orEmpty(ws.provider()), fields, problems)));
    }

    /** The template named, or a 400 page naming the templates there are (null then). */
    private Template template(Context ctx, String name) {
        Optional<Template> template;
        try {
            template = name == null || name.isBlank() ? Optional.empty() : workspaces.templates().get(name.strip());
        } catch (InvalidTemplateException e) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, "Bad template"), "Bad template",
                    "Template " + name + " cannot be used: " + e.getMessage());
            return null;
        }
        if (template.isEmpty()) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, "No such template"), "No such template",
                    (name == null || name.isBlank() ? "The form named no template" : "There is no template named " + name)
                            + "; there are: " + String.join(", ", workspaces.templates().names()) + ".");
            return null;
        }
        return template.get();
    }

    private Workspace workspace(Context ctx) {
        String raw = ctx.pathParam("workspace");
        Optional<Workspace> ws = WorkspaceName.isValid(raw) ? workspaces.get(raw) : Optional.empty();
        if (ws.isEmpty()) {
            ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such workspace"), "No such workspace",
                    "There is no workspace named " + raw + ".");
            return null;
        }
        return ws.get();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
