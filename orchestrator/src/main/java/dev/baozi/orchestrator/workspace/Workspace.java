package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** A workspace: a template, its input values and the OpenTofu version its runs use. */
public record Workspace(long id, String name, String template, JsonNode inputs, String tofuVersion, String createdBy,
        OffsetDateTime createdAt) {}
