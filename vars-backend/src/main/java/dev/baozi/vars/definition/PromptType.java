package dev.baozi.vars.definition;

/** How a prompt's value is asked for: one visible line, one hidden line (a password), or several lines. */
public enum PromptType {
    LINE("line"),
    HIDDEN("hidden"),
    MULTILINE("multiline");

    private final String id;

    PromptType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static PromptType fromId(String id) {
        for (PromptType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("prompt type \"" + id + "\" is not one of line, hidden, multiline");
    }
}
