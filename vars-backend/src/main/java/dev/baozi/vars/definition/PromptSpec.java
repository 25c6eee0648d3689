package dev.baozi.vars.definition;

/**
 * A value a person supplies. {@code persist}: the value is also kept as a file of the same name
 * (secret unless the generator's {@code files} says otherwise), so it survives regeneration and
 * can be set later with the {@code set} verb.
 */
public record PromptSpec(String name, String description, PromptType type, boolean persist) {

    public PromptSpec {
        if (!FileSpec.isValidName(name)) {
            throw new IllegalArgumentException("prompt name " + GeneratorName.quoted(name) + " is not valid");
        }
    }
}
