package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.IssuedToken;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.openbao.OpenBaoKv;
import dev.baozi.orchestrator.state.WorkspaceName;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creates workspaces (validated against their template, each with its own read-write state
 * token kept in OpenBao) and generates their OpenTofu directories.
 */
public final class WorkspaceService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceRepository workspaces;
    private final TemplateCatalog templates;
    private final AuthService auth;
    private final OpenBaoKv kv;
    private final AuditRepository audit;
    private final String tofuVersion;
    private final Supplier<String> baoziUrl;
    private final Clock clock;
    private final ProviderCheck providers;

    public WorkspaceService(WorkspaceRepository workspaces, TemplateCatalog templates, AuthService auth, OpenBaoKv kv,
            AuditRepository audit, String tofuVersion, Supplier<String> baoziUrl, Clock clock) {
        this(workspaces, templates, auth, kv, audit, tofuVersion, baoziUrl, clock, ProviderCheck.NONE);
    }

    public WorkspaceService(WorkspaceRepository workspaces, TemplateCatalog templates, AuthService auth, OpenBaoKv kv,
            AuditRepository audit, String tofuVersion, Supplier<String> baoziUrl, Clock clock, ProviderCheck providers) {
        this.providers = providers;
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
    }

    /**
     * Says whether a provider exists, for workspaces that name one: null when it does, else why
     * not. A port: the provider package answers it.
     */
    public interface ProviderCheck {
        String problem(String providerName);

        ProviderCheck NONE = name -> "no providers are configured";
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
        Optional<Template> template = templates.get(templateName);
        if (template.isEmpty()) {
            problems.add("template: no template named '" + templateName + "' in tf-modules (there are: "
                    + String.join(", ", templates.names()) + ")");
        } else {
            problems.addAll(Inputs.problems(template.get(), inputs == null ? JSON.createObjectNode() : inputs));
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
        Workspace created = workspaces.insert(name, templateName, Inputs.canonical(inputs == null ? JSON.createObjectNode() : inputs),
                wantedVersion, by.name(), OffsetDateTime.now(clock), provider);
        try {
            IssuedToken token = auth.issueStateToken(name, "baozi-runs", TokenAccess.READ_WRITE, by);
            kv.put(tokenPath(name), JSON.createObjectNode().put("token", token.token()));
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
        Template template = template(workspace).orElseThrow(() ->
                new IllegalStateException("template " + workspace.template() + " of workspace " + workspace.name() + " is gone"));
        return WorkspaceFiles.generate(workspace, template, baoziUrl.get());
    }

    /** The state token the workspace's runs hand to tofu. */
    public String stateToken(Workspace workspace) {
        return kv.read(tokenPath(workspace.name())).map(e -> e.text("token")).orElseThrow(() ->
                new IllegalStateException("workspace " + workspace.name() + " has no state token in OpenBao"));
    }

    private static String tokenPath(String workspace) {
        return "workspaces/" + workspace + "/state-token";
    }
}
