package dev.baozi.ui.view;

import java.util.List;

/**
 * The first page of moving a deployment: choose the target provider ({@code provider} null until
 * chosen), then its pool, storage and bridge. {@code unfinishedId} is a migration that already
 * runs (then no form shows); {@code problem} says what could not be listed (the fields become text).
 */
public record MigrateView(Chrome chrome, String workspace, String sourceProvider, List<Option> providers, String provider,
                          String node, List<Field> fields, String problem, Long unfinishedId) {

    public MigrateView {
        providers = List.copyOf(providers);
        fields = List.copyOf(fields);
    }

    /** One choice of a select. */
    public record Option(String value, String label, boolean selected) {}

    /**
     * A field of the target form: a select of {@code options}, or a text input holding {@code value}
     * when there is nothing to choose from; {@code hint} says what it is.
     */
    public record Field(String name, String id, String label, String value, List<Option> options, String hint) {
        public Field {
            options = List.copyOf(options);
        }
    }
}
