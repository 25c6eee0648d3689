package dev.baozi.vars.definition;

import java.util.List;
import java.util.stream.Collectors;

/** Generator definitions that cannot be used, with every problem found (not only the first). */
public final class InvalidDefinitionsException extends RuntimeException {

    private final List<DefinitionProblem> problems;

    public InvalidDefinitionsException(String source, List<DefinitionProblem> problems) {
        super("loading generator definitions from " + source + ": " + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
