package dev.baozi.harness.browser;

import java.util.List;

/**
 * One axe-core rule a page broke: the rule's id ({@code image-alt}), its impact ({@code minor},
 * {@code moderate}, {@code serious} or {@code critical}), axe's one-line help and a CSS selector
 * for each offending element.
 */
public record AxeViolation(String id, String impact, String help, List<String> targets) {

    public AxeViolation {
        targets = List.copyOf(targets);
    }

    /** Serious or critical: what a UI test should refuse. */
    public boolean serious() {
        return "serious".equals(impact) || "critical".equals(impact);
    }

    @Override
    public String toString() {
        return id + " (" + impact + "): " + help + " at " + String.join(", ", targets);
    }
}
