package dev.baozi.vars.definition;

/** One thing wrong with a set of definitions; {@code generator} is empty for problems of the document itself. */
public record DefinitionProblem(String generator, String message) {

    @Override
    public String toString() {
        return generator.isEmpty() ? message : "generator " + generator + ": " + message;
    }
}
