package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

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

    /** {@code --workspace W}, for the commands that act on one workspace. */
    static final class WorkspaceOption {

        @Option(names = "--workspace", required = true, paramLabel = "W", description = "The workspace's name.")
        private String name;

        /** "/workspaces/{W}". */
        String path() throws UsageException {
            return "/workspaces/" + segment("--workspace", name);
        }
    }

    /** {@code --id N}, for the commands that act on one run. */
    static final class RunOption {

        @Option(names = "--id", required = true, paramLabel = "N", description = "The run's number.")
        private String id;

        String id() throws UsageException {
            if (!given("--id", id).matches("\\d+")) {
                throw new UsageException("--id takes a run number, got '" + id + "'");
            }
            return id;
        }

        /** "/runs/{N}". */
        String path() throws UsageException {
            return "/runs/" + id();
        }
    }

    /** {@code --name U}, for the commands that act on one user. */
    static final class UserOption {

        @Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.")
        private String name;

        String name() {
            return name;
        }

        /** "/users/{U}". */
        String path() throws UsageException {
            return "/users/" + segment("--name", name);
        }
    }

    static String number(String option, String value) throws UsageException {
        if (!given(option, value).matches("\\d{1,18}")) {
            throw new UsageException(option + " takes a number, got '" + value + "'");
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
