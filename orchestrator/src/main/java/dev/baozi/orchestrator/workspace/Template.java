package dev.baozi.orchestrator.workspace;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An OpenTofu module in tf-modules/ that workspaces are made from. {@code files} is its content
 * (relative path → bytes) and {@code sha256} pins it: a run uses the content it planned with.
 */
public record Template(String name, Path dir, List<TemplateVariable> variables, List<String> outputs,
        Map<String, byte[]> files, String sha256) {}
