package dev.baozi.orchestrator.run;

import java.util.List;
import java.util.Optional;

/**
 * One kind of side plan as the run core uses it: who plans and applies it, and who shows it.
 * Registered in the orchestrator's wiring, one line per kind.
 */
public record SideKind(SidePlanner planner, SidePlanPresenter presenter) {

    public SideKind {
        if (!planner.kind().equals(presenter.kind())) {
            throw new IllegalArgumentException("side plan kind " + planner.kind() + " is shown by the presenter of " + presenter.kind());
        }
    }

    public String kind() {
        return planner.kind();
    }

    /** The registered kinds, in registration order. */
    public record Registry(List<SideKind> kinds) {

        public static final Registry NONE = new Registry(List.of());

        public Registry {
            kinds = List.copyOf(kinds);
            if (kinds.stream().map(SideKind::kind).distinct().count() != kinds.size()) {
                throw new IllegalArgumentException("side plan kinds registered twice: " + kinds.stream().map(SideKind::kind).toList());
            }
        }

        public Optional<SideKind> of(String kind) {
            return kinds.stream().filter(k -> k.kind().equals(kind)).findFirst();
        }
    }
}
