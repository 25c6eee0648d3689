package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.IssuedToken;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.openbao.KvV2;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creates workspaces (validated against their template, each with its own read-write state
 * token kept in OpenBao) and generates their OpenTofu directories. The values of inputs the
 * template declares sensitive are kept in OpenBao ({@code workspaces/<ws>/sensitive-inputs}),
 * never in the database: {@link Workspace#inputs()} holds the others.
 */
public final class WorkspaceService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceRepository workspaces;
    private final TemplateCatalog templates;
    private final AuthService auth;
    private final KvV2 kv;
    private final AuditRepository audit;
    private final String tofuVersion;
    private final Supplier<String> baoziUrl;
    private final Clock clock;
    private final ProviderCheck providers;
    private final RunHold holds;
    private final TemplateRules rules;
    private final List<Keeper> keepers;
    private final PriorState priorState;

    public WorkspaceService(WorkspaceRepository workspaces, TemplateCatalog templates, AuthService auth, KvV2 kv,
            AuditRepository audit, String tofuVersion, Supplier<String> baoziUrl, Clock clock) {
        this(workspaces, templates, auth, kv, audit, tofuVersion, baoziUrl, clock, ProviderCheck.NONE, RunHold.NONE, TemplateRules.NONE);
    }

    public WorkspaceService(WorkspaceRepository workspaces, TemplateCatalog templates, AuthService auth, KvV2 kv,
            AuditRepository audit, String tofuVersion, Supplier<String> baoziUrl, Clock clock, ProviderCheck providers,
            RunHold holds, TemplateRules rules) {
        this(workspaces, templates, auth, kv, audit, tofuVersion, baoziUrl, clock, providers, holds, rules, List.of(), PriorState.NONE);
    }

    public WorkspaceService(WorkspaceRepository workspaces, TemplateCatalog templates, AuthService auth, KvV2 kv,
            AuditRepository audit, String tofuVersion, Supplier<String> baoziUrl, Clock clock, ProviderCheck providers,
            RunHold holds, TemplateRules rules, List<Keeper> keepers, PriorState priorState) {
        this.keepers = List.copyOf(keepers);
        this.priorState = priorState;
        this.providers = providers;
        this.holds = holds;
        this.rules = rules;
        this.workspaces = workspaces;
        this.templates = templates;
        this.auth = auth;
        this.kv = kv;
        this.audit = audit;
        this.tofuVersion = tofuVersion;
        this.baoziUrl = baoziUrl;
        this.clock = clock;
    }

    /** What a create request came to: the workspace, or every reason it was refused. */
    public sealed interface CreateOutcome {
        record Created(Workspace workspace) implements CreateOutcome {}

        record Invalid(List<String> problems) implements CreateOutcome {}

        record Exists(String name) implements CreateOutcome {}

        /** The state store already holds state under this name that no workspace made; it is not adopted. */
        record StateExists(String name, String state) implements CreateOutcome {}
    }

    /**
     * Describes the state the state store holds under a workspace name ("version 3, written by
     * ... at ..."), empty when it holds none (or only a deleted one). A port: the state package answers it.
     */
    public interface PriorState {
        Optional<String> describe(String workspace);

        PriorState NONE = w -> Optional.empty();
    }

    /**
     * Says whether a provider exists, for workspaces that name one: null when it does, else why
     * not. A port: the provider package answers it.
     */
    public interface ProviderCheck {
        String problem(String providerName);

        ProviderCheck NONE = name -> "no providers are configured";
    }

    /**
     * Says which run holds a workspace (planning, waiting for approval, approved or applying), as
     * a phrase like "run 12 is planned"; empty when none does. A port: the run package answers it.
     */
    public interface RunHold {
        Optional<String> holder(Workspace workspace);

        RunHold NONE = w -> Optional.empty();
    }

    /**
     * What a kind of template asks of its inputs beyond their types (a deployment's host name in a
     * managed zone, its pool in NetBox), each problem naming its variable. A port: the deployment
     * package answers it.
     */
    public interface TemplateRules {
        List<String> problems(Template template, JsonNode inputs, String provider, String workspace);

        TemplateRules NONE = (template, inputs, provider, workspace) -> List.of();
    }

    /**
     * Something another package keeps for a workspace (its runs, its state, its DNS records): asked
     * whether the workspace may be deleted, then told to let go of what it keeps. A port: the
     * wiring answers it for each package, in order; the first that blocks wins.
     */
    public interface Keeper {
        /** Why {@code workspace} may not be deleted now ("run 12 is planned"), or empty. */
        Optional<String> blocks(Workspace workspace);

        /** Lets go of what it keeps for {@code workspace}, which is being deleted; empty when done, else why not. */
        Optional<String> release(Workspace workspace, Principal by);

        static Keeper of(java.util.function.Function<Workspace, Optional<String>> blocks,
                java.util.function.BiFunction<Workspace, Principal, Optional<String>> release) {
            return new Keeper() {
                @Override
                public Optional<String> blocks(Workspace workspace) {
                    return blocks.apply(workspace);
                }

                @Override
                public Optional<String> release(Workspace workspace, Principal by) {
                    return release.apply(workspace, by);
                }
            };
        }
    }

    /** What a delete request came to. Refusals are results, not errors. */
    public sealed interface DeleteOutcome {
        record Deleted(Workspace workspace, int stateTokensRevoked) implements DeleteOutcome {}

        /** Something still holds the workspace; {@code reason} says what and what to do. */
        record Refused(String reason) implements DeleteOutcome {}

        record Gone(String name) implements DeleteOutcome {}
    }

    /**
     * Deletes a workspace once nothing holds it: no run queued or under way, no lock on its state,
     * no resources left in its state (or the last apply was a destroy). The keepers let go first
     * (the state is marked deleted, its DNS records are dropped), then its secrets in OpenBao (the
     * runs' state token) are deleted, every state token of it is revoked and its name is freed.
     * Its runs, their logs and the state's earlier versions stay, for the audit.
     */
    public DeleteOutcome delete(Workspace workspace, Principal by) {
        for (Keeper keeper : keepers) {
            Optional<String> block = keeper.blocks(workspace);
            if (block.isPresent()) {
                audit.record(by.name(), "workspace.delete", workspace.name(), "409", block.get());
                return new DeleteOutcome.Refused("workspace " + workspace.name() + " cannot be deleted: " + block.get());
            }
        }
        for (Keeper keeper : keepers) {
            Optional<String> problem = keeper.release(workspace, by);
            if (problem.isPresent()) {
                audit.record(by.name(), "workspace.delete", workspace.name(), "409", problem.get());
                return new DeleteOutcome.Refused("workspace " + workspace.name() + " cannot be deleted: " + problem.get());
            }
        }
        deleteSecrets(workspace);
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (!workspaces.markDeleted(workspace.id(), now)) {
            if (workspaces.byName(workspace.name()).isEmpty()) {
                return new DeleteOutcome.Gone(workspace.name());
            }
            audit.record(by.name(), "workspace.delete", workspace.name(), "409", "a run was queued meanwhile");
            return new DeleteOutcome.Refused("workspace " + workspace.name() + " cannot be deleted: a run of it was queued while"
                    + " it was being deleted, and will error since its runs' state token is gone from OpenBao;"
                    + " delete the workspace again once that run has ended");
        }
        int revoked = auth.tokens().revokeAllOf(workspace.name(), now);
        audit.record(by.name(), "workspace.delete", workspace.name(), "200", revoked + " state token(s) revoked; its name is free");
        return new DeleteOutcome.Deleted(workspace, revoked);
    }

    /**
     * Deletes what OpenBao keeps for {@code workspace} (every version): the state token its runs
     * use and the values of its sensitive inputs.
     */
    private void deleteSecrets(Workspace workspace) {
        kv.deleteAll(tokenPath(workspace.name()));
        kv.deleteAll(sensitivePath(workspace.name()));
    }

    /** What a change of inputs came to. Refusals are results, not errors. */
    public sealed interface UpdateOutcome {
        record Updated(Workspace workspace, List<String> changed) implements UpdateOutcome {}

        record Invalid(List<String> problems) implements UpdateOutcome {}

        /** A run holds the workspace; its plan was made from the inputs as they are. */
        record Held(String reason) implements UpdateOutcome {}
    }

    /**
     * Changes a workspace's inputs with a JSON merge patch (RFC 7396: a key set to null goes back
     * to the template's default). The result is checked against the template like a new
     * workspace's inputs; nothing changes while a run holds the workspace, since its plan was
     * made from the inputs as they are. The audit record names the variables changed, not
     * their values.
     */
    public UpdateOutcome updateInputs(Workspace workspace, JsonNode patch, Principal by) {
        if (patch == null || !patch.isObject()) {
            return new UpdateOutcome.Invalid(List.of("inputs: must be a JSON object of variable values (null resets one)"));
        }
        Optional<String> held = holds.holder(workspace);
        if (held.isPresent()) {
            return new UpdateOutcome.Held(held.get() + "; discard it or let it finish before changing the inputs of "
                    + workspace.name());
        }
        Template template = template(workspace).orElseThrow(() ->
                new IllegalStateException("template " + workspace.template() + " of workspace " + workspace.name() + " is gone"));
        ObjectNode merged = (ObjectNode) inputs(workspace).deepCopy();
        List<String> changed = new ArrayList<>();
        patch.properties().forEach(e -> {
            JsonNode before = merged.get(e.getKey());
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
            if (!Objects.equals(before, merged.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        });
        List<String> problems = new ArrayList<>(Inputs.problems(template, merged));
        if (problems.isEmpty()) {
            problems.addAll(rules.problems(template, merged, workspace.provider(), workspace.name()));
        }
        if (!problems.isEmpty()) {
            return new UpdateOutcome.Invalid(problems);
        }
        if (changed.isEmpty()) {
            return new UpdateOutcome.Updated(workspace, List.of());
        }
        Inputs.Split split = Inputs.split(template, merged);
        ObjectNode sensitiveBefore = sensitiveInputs(workspace);
        if (!split.sensitive().equals(sensitiveBefore)) {
            kv.put(sensitivePath(workspace.name()), split.sensitive());
        }
        Workspace updated;
        try {
            updated = workspaces.updateInputs(workspace.id(), split.open());
        } catch (RuntimeException e) {
            if (!split.sensitive().equals(sensitiveBefore)) {
                kv.put(sensitivePath(workspace.name()), sensitiveBefore); // nothing half-changed
            }
            throw e;
        }
        audit.record(by.name(), "workspace.update", workspace.name(), "200", "inputs changed: " + String.join(", ", changed));
        return new UpdateOutcome.Updated(updated, List.copyOf(changed));
    }

    public CreateOutcome create(String name, String templateName, JsonNode inputs, String version, Principal by) {
        return create(name, templateName, inputs, version, null, by);
    }

    public CreateOutcome create(String name, String templateName, JsonNode inputs, String version, String provider,
            Principal by) {
        List<String> problems = new ArrayList<>();
        if (!WorkspaceName.isValid(name)) {
            problems.add("name: workspace names are 1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
        }
        String wantedVersion = version == null || version.isBlank() ? tofuVersion : version;
        if (!wantedVersion.equals(tofuVersion)) {
            problems.add("tofu_version: only OpenTofu " + tofuVersion + " is installed, not " + wantedVersion);
        }
        Optional<Template> template;
        try {
            template = templates.get(templateName);
        } catch (InvalidTemplateException e) {
            return new CreateOutcome.Invalid(List.of("template: " + e.getMessage()));
        }
        if (template.isEmpty()) {
            problems.add("template: no template named '" + templateName + "' in tf-modules (there are: "
                    + String.join(", ", templates.names()) + ")");
        } else {
            List<String> typed = Inputs.problems(template.get(), inputs == null ? JSON.createObjectNode() : inputs);
            problems.addAll(typed);
            if (typed.isEmpty()) {
                problems.addAll(rules.problems(template.get(), inputs == null ? JSON.createObjectNode() : inputs, provider, name));
            }
        }
        if (provider != null) {
            String problem = providers.problem(provider);
            if (problem != null) {
                problems.add("provider: " + problem);
            }
        }
        if (!problems.isEmpty()) {
            return new CreateOutcome.Invalid(problems);
        }
        if (workspaces.byName(name).isPresent()) {
            return new CreateOutcome.Exists(name);
        }
        Optional<String> prior = priorState.describe(name);
        if (prior.isPresent()) {
            audit.record(by.name(), "workspace.create", name, "409", "refused: state already stored under this name (" + prior.get() + ")");
            return new CreateOutcome.StateExists(name, prior.get());
        }
        Inputs.Split split = Inputs.split(template.orElseThrow(), inputs);
        Workspace created = workspaces.insert(name, templateName, split.open(), wantedVersion, by.name(),
                OffsetDateTime.now(clock), provider);
        try {
            IssuedToken token = auth.issueStateToken(name, "baozi-runs", TokenAccess.READ_WRITE, by);
            kv.put(tokenPath(name), JSON.createObjectNode().put("token", token.token()));
            if (!split.sensitive().isEmpty()) {
                kv.put(sensitivePath(name), split.sensitive());
            }
        } catch (RuntimeException e) {
            workspaces.delete(created.id()); // nothing half-made: no workspace without its token
            throw e;
        }
        audit.record(by.name(), "workspace.create", name, "201", "template " + templateName);
        return new CreateOutcome.Created(created);
    }

    public Optional<Workspace> get(String name) {
        return workspaces.byName(name);
    }

    public List<Workspace> all() {
        return workspaces.all();
    }

    public Optional<Template> template(Workspace workspace) {
        return templates.get(workspace.template());
    }

    public TemplateCatalog templates() {
        return templates;
    }

    /** The workspace's directory as it would be generated now. */
    public GeneratedFiles files(Workspace workspace) {
        return files(workspace, Supplied.NONE);
    }

    /** The workspace's directory for a run, with what Baozi supplied to it. */
    public GeneratedFiles files(Workspace workspace, Supplied supplied) {
        Template template = template(workspace).orElseThrow(() ->
                new IllegalStateException("template " + workspace.template() + " of workspace " + workspace.name() + " is gone"));
        return WorkspaceFiles.generate(workspace, inputs(workspace), template, baoziUrl.get(), supplied);
    }

    /** Every input value of the workspace: those in the database and its sensitive ones from OpenBao. */
    public JsonNode inputs(Workspace workspace) {
        ObjectNode all = workspace.inputs().deepCopy();
        all.setAll(sensitiveInputs(workspace));
        return Inputs.canonical(all);
    }

    /**
     * The inputs as they may be shown: each sensitive one that is set as "(sensitive)", never its
     * value. While OpenBao cannot be reached, only the others (a page still shows what it can).
     */
    public JsonNode maskedInputs(Workspace workspace) {
        ObjectNode shown = workspace.inputs().deepCopy();
        try {
            sensitiveInputs(workspace).fieldNames().forEachRemaining(name -> shown.put(name, "(sensitive)"));
        } catch (dev.baozi.openbao.OpenBaoUnavailableException e) {
            // which sensitive inputs are set is not known now; their values are never shown anyway
        }
        return Inputs.canonical(shown);
    }

    /** The values of the workspace's sensitive inputs (kept in OpenBao); empty when it has none. */
    public ObjectNode sensitiveInputs(Workspace workspace) {
        return kv.read(sensitivePath(workspace.name()))
                .map(e -> e.data() instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode())
                .orElseGet(JSON::createObjectNode);
    }

    /**
     * Moves the values of sensitive inputs that the database still holds (written before they
     * were kept in OpenBao, or a variable its template has since marked sensitive) into OpenBao,
     * then removes them from the database. Run at start-up; returns the workspaces it changed.
     */
    public List<String> moveSensitiveInputs() {
        List<String> moved = new ArrayList<>();
        for (Workspace w : workspaces.all()) {
            Optional<Template> template;
            try {
                template = template(w);
            } catch (InvalidTemplateException e) {
                continue; // shown on /templates; its workspaces move when it is mended
            }
            if (template.isEmpty()) {
                continue;
            }
            Inputs.Split split = Inputs.split(template.get(), w.inputs());
            if (split.sensitive().isEmpty()) {
                continue;
            }
            ObjectNode sensitive = sensitiveInputs(w);
            sensitive.setAll(split.sensitive());
            kv.put(sensitivePath(w.name()), (ObjectNode) Inputs.canonical(sensitive));
            workspaces.updateInputs(w.id(), split.open());
            moved.add(w.name());
        }
        return moved;
    }

    /** The state token the workspace's runs hand to tofu. */
    public String stateToken(Workspace workspace) {
        return kv.read(tokenPath(workspace.name())).map(e -> e.text("token")).orElseThrow(() ->
                new IllegalStateException("workspace " + workspace.name() + " has no state token in OpenBao"));
    }

    private static String sensitivePath(String workspace) {
        return "workspaces/" + workspace + "/sensitive-inputs";
    }

    private static String tokenPath(String workspace) {
        return "workspaces/" + workspace + "/state-token";
    }
}
