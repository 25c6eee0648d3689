package dev.baozi.ui.view;

/**
 * A run's status as every page shows it: one label a person reads and one CSS class
 * ({@code status-<wire name>}) for its colour, the same on the run, workspace and list pages.
 */
public record Status(String wire, String label) {

    public String css() {
        return "status-" + wire;
    }
}
