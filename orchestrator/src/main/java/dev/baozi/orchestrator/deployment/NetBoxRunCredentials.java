package dev.baozi.orchestrator.deployment;

import dev.baozi.orchestrator.run.RunCredentials;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the tofu steps of workspaces whose modules use the e-breuninger/netbox provider NetBox's
 * URL and token, as that provider reads them from the environment ({@code NETBOX_SERVER_URL},
 * {@code NETBOX_API_TOKEN}), so neither is written into the generated files or the state. Its
 * version check is off: it knows NetBox 3.1 only, and Baozi builds it patched for NetBox 4.
 * Other workspaces' steps get the credentials {@code next} gives them.
 */
public final class NetBoxRunCredentials implements RunCredentials {

    private final WorkspaceService workspaces;
    private final URI url;
    private final String token;
    private final RunCredentials next;

    public NetBoxRunCredentials(WorkspaceService workspaces, URI url, String token, RunCredentials next) {
        this.workspaces = workspaces;
        this.url = url;
        this.token = token;
        this.next = next;
    }

    @Override
    public Credentials forRun(Workspace workspace, Path runDir) {
        Credentials theirs = next.forRun(workspace, runDir);
        if (!usesNetBox(workspace)) {
            return theirs;
        }
        Map<String, String> env = new HashMap<>(theirs.env());
        env.put("NETBOX_SERVER_URL", url.toString());
        env.put("NETBOX_API_TOKEN", token);
        env.put("NETBOX_SKIP_VERSION_CHECK", "true");
        List<String> secrets = new ArrayList<>(theirs.secrets());
        secrets.add(token);
        return new Credentials(env, secrets);
    }

    private boolean usesNetBox(Workspace workspace) {
        return workspaces.template(workspace).map(t -> {
            List<byte[]> all = new ArrayList<>(t.files().values());
            t.dependencies().values().forEach(d -> all.addAll(d.values()));
            return all.stream().anyMatch(b -> new String(b, StandardCharsets.UTF_8).contains("e-breuninger/netbox"));
        }).orElse(false);
    }
}
