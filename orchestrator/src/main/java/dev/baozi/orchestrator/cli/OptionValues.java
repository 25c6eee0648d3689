package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The checks of option values that picocli's types do not make, each failing with the sentence the user reads. */
final class OptionValues {

    private OptionValues() {}

    /** {@code value}, unless it is blank: an option given as "" counts as not given. */
    static String given(String option, String value) throws UsageException {
        if (value == null || value.isBlank()) {
            throw new UsageException(option + " is required");
        }
        return value;
    }

    /** {@code value} as one URL path segment. */
    static String segment(String option, String value) throws UsageException {
        return URLEncoder.encode(given(option, value), StandardCharsets.UTF_8);
    }

    /** The API path of the workspace named by --workspace. */
    static String workspace(String value) throws UsageException {
        return "/workspaces/" + segment("--workspace", value);
    }

    /** The API path of the user named by --name. */
    static String user(String value) throws UsageException {
        return "/users/" + segment("--name", value);
    }

    static String number(String option, String value) throws UsageException {
        if (!given(option, value).matches("\\d{1,18}")) {
            throw new UsageException(option + " takes a number, got '" + value + "'");
        }
        return value;
    }

    static String runId(String value) throws UsageException {
        if (!given("--id", value).matches("\\d+")) {
            throw new UsageException("--id takes a run number, got '" + value + "'");
        }
        return value;
    }

    /** The JSON in {@code text}; bad JSON says where. */
    static JsonNode json(String option, String text) throws UsageException {
        try {
            return OrchestratorClient.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new UsageException(option + " is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }
}
