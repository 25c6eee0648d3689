package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.GeneratedFiles;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a run needs of its workspace: the workspace, its state token, its secret values, its generated files. A port. */
public interface RunWorkspaces {

    Optional<Workspace> get(String name);

    /** The state token tofu presents to Baozi's state backend. */
    String stateToken(Workspace workspace);

    /** Values the run's log and plan must never show: the sensitive inputs, and the defaults of sensitive variables. */
    List<String> secrets(Workspace workspace);

    /** The workspace's directory for a run, with what Baozi supplied to it. */
    GeneratedFiles files(Workspace workspace, Supplied supplied);

    /** The workspace service's answers. */
    static RunWorkspaces of(WorkspaceService workspaces) {
        return new RunWorkspaces() {
            @Override
            public Optional<Workspace> get(String name) {
                return workspaces.get(name);
            }

            @Override
            public String stateToken(Workspace workspace) {
                return workspaces.stateToken(workspace);
            }

            @Override
            public List<String> secrets(Workspace ws) {
                List<String> secrets = new ArrayList<>();
                workspaces.sensitiveInputs(ws).forEach(value -> secrets.add(value.isTextual() ? value.asText() : value.toString()));
                // a sensitive variable's default is as secret as a value given for it
                workspaces.template(ws).ifPresent(t -> t.variables().stream().filter(v -> v.sensitive() && v.defaultValue() != null)
                        .forEach(v -> secrets.add(v.defaultValue().isTextual() ? v.defaultValue().asText() : v.defaultValue().toString())));
                return secrets;
            }

            @Override
            public GeneratedFiles files(Workspace workspace, Supplied supplied) {
                return workspaces.files(workspace, supplied);
            }
        };
    }
}
