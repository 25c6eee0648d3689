package dev.baozi.vars.store;

import java.util.List;

/** What {@code check} says of one generator. */
public sealed interface GeneratorStatus {

    /** Committed, complete, and made from the current definition and dependencies. */
    record Ok() implements GeneratorStatus {}

    /** Nothing stored. */
    record Missing() implements GeneratorStatus {}

    /** Left-overs of an unfinished write, or a manifest naming versions that are gone; {@code fix} repairs what it can. */
    record Partial(List<StoreProblem> problems) implements GeneratorStatus {
        public Partial {
            problems = List.copyOf(problems);
        }

        /** True when only left-overs are wrong and the committed files are whole. */
        public boolean committedIntact() {
            return problems.stream().allMatch(StoreProblem::leavesCommittedIntact);
        }
    }

    /** Committed, but for another definition or from other dependency values. */
    record Outdated(String reason) implements GeneratorStatus {}
}
