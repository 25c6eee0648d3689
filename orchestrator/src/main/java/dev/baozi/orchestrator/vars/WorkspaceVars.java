package dev.baozi.orchestrator.vars;

import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.vars.GenerateReport;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.VarListing;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.vars.store.CommitOutcome;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.GeneratorCheck;
import dev.baozi.vars.store.Repair;
import dev.baozi.vars.store.RollbackOutcome;
import java.util.List;
import java.util.Optional;

/**
 * The vars verbs for a workspace: its template's generator set and the workspace as the
 * deployment they belong to. Every verb is an audit record naming generators and files, never a
 * value.
 */
public final class WorkspaceVars {

    private final VarsService vars;
    private final WorkspaceService workspaces;
    private final AuditRepository audit;

    public WorkspaceVars(VarsService vars, WorkspaceService workspaces, AuditRepository audit) {
        this.vars = vars;
        this.workspaces = workspaces;
        this.audit = audit;
    }

    public VarsService service() {
        return vars;
    }

    /** The workspace's generators; empty when its template declares none. */
    public Optional<GeneratorSet> generators(Workspace ws) {
        return workspaces.template(ws).flatMap(t -> t.generators());
    }

    static DeploymentName deployment(Workspace ws) {
        return DeploymentName.of(ws.name());
    }

    public GenerateReport generate(Workspace ws, GeneratorSet set, GenerateRequest request, Principal by) {
        GenerateReport report = vars.generate(deployment(ws), set, request);
        audit.record(by.name(), "vars.generate", ws.name(), "200", "generated: " + names(report.generated())
                + (report.skipped().isEmpty() ? "" : "; skipped: " + names(report.skipped())));
        return report;
    }

    public List<GeneratorCheck> check(Workspace ws, GeneratorSet set) {
        return vars.check(deployment(ws), set);
    }

    public List<VarListing> list(Workspace ws, GeneratorSet set) {
        return vars.list(deployment(ws), set);
    }

    public Optional<FileValue> get(Workspace ws, GeneratorSet set, GeneratorName generator, String file, boolean secret,
            Principal by) {
        Optional<FileValue> value = vars.get(deployment(ws), set, generator, file);
        if (secret) {
            audit.record(by.name(), "vars.get-secret", ws.name(), value.isPresent() ? "200" : "404", generator + "/" + file);
        }
        return value;
    }

    public CommitOutcome set(Workspace ws, GeneratorSet set, GeneratorName generator, String file, FileValue value, Principal by) {
        CommitOutcome outcome = vars.set(deployment(ws), set, generator, file, value);
        boolean prompt = set.find(generator).map(g -> g.isPromptFile(file)).orElse(false);
        audit.record(by.name(), "vars.set", ws.name(), outcome.getClass().getSimpleName(), generator + "/" + file
                + (prompt ? " (prompt)" : " (generated file overwritten)"));
        return outcome;
    }

    public List<Repair> fix(Workspace ws, GeneratorSet set, Principal by) {
        List<Repair> repairs = vars.fix(deployment(ws), set);
        audit.record(by.name(), "vars.fix", ws.name(), "200", repairs.size() + " repair(s)");
        return repairs;
    }

    public RollbackOutcome rollback(Workspace ws, GeneratorSet set, GeneratorName generator, Principal by) {
        RollbackOutcome outcome = vars.rollback(deployment(ws), set, generator);
        audit.record(by.name(), "vars.rollback", ws.name(), outcome.getClass().getSimpleName(), generator.value());
        return outcome;
    }

    private static String names(List<GeneratorName> names) {
        return names.isEmpty() ? "none" : String.join(", ", names.stream().map(GeneratorName::value).toList());
    }
}
