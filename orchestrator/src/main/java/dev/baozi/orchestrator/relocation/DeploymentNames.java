package dev.baozi.orchestrator.relocation;

import java.util.List;
import java.util.Optional;

/** The DNS names of a deployment, each with why it is not in a zone Baozi manages (empty when it is): the plan checks them. */
@FunctionalInterface
public interface DeploymentNames {

    List<Name> of(String workspace);

    /** One name, and why DNS cannot follow the move for it ({@code problem}), if it cannot. */
    record Name(String name, Optional<String> problem) {}

    /** A deployment without names. */
    DeploymentNames NONE = workspace -> List.of();
}
