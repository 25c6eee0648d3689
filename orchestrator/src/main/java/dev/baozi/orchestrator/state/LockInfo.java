package dev.baozi.orchestrator.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The lock description OpenTofu sends with LOCK and expects back, with exactly its keys, in a
 * 423/409 answer ({@code statemgr.LockInfo}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LockInfo(
        @JsonProperty("ID") String id,
        @JsonProperty("Operation") String operation,
        @JsonProperty("Info") String info,
        @JsonProperty("Who") String who,
        @JsonProperty("Version") String version,
        @JsonProperty("Created") String created,
        @JsonProperty("Path") String path) {}
