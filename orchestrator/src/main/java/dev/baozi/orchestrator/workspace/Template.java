package dev.baozi.orchestrator.workspace;

import dev.baozi.vars.definition.GeneratorSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An OpenTofu module in tf-modules/ that workspaces are made from. {@code files} is its content
 * (relative path → bytes), {@code dependencies} the content of the sibling modules it calls as
 * {@code ../<name>}, and {@code sha256} pins all of it: a run uses the content it planned with.
 * {@code kind} and {@code supplied} come from the template's optional {@code baozi.json}: what
 * Baozi does around its runs ({@code deployment}: an address from NetBox, DNS records), and the
 * variables Baozi fills in itself, which no one may set as an input. {@code generators} are the
 * secrets its deployments need ({@code vars.json} or {@code vars.yaml}), checked when it loads.
 */
public record Template(String name, Path dir, List<TemplateVariable> variables, List<String> outputs,
        Map<String, byte[]> files, Map<String, Map<String, byte[]>> dependencies, Optional<String> kind,
        Set<String> supplied, Optional<GeneratorSet> generators, String sha256) {

    public boolean isDeployment() {
        return kind.filter("deployment"::equals).isPresent();
    }
}
