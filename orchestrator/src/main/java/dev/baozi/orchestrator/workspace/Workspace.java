package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/**
 * A workspace: a template, its input values, the OpenTofu version its runs use, and the provider
 * (a named Proxmox cluster) whose endpoint and token its runs get; {@code provider} is null when
 * the template needs none.
 */
public record Workspace(long id, String name, String template, JsonNode inputs, String tofuVersion, String createdBy,
        OffsetDateTime createdAt, String provider) {}
