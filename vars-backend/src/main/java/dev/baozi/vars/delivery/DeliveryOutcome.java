package dev.baozi.vars.delivery;

import java.util.List;

/** The result of issuing a delivery: a wrapped token with the plan it reads, or why there is nothing to deliver yet. */
public sealed interface DeliveryOutcome {

    record Issued(WrappedToken token, DeliveryPlan plan, String policy) implements DeliveryOutcome {}

    /** Some generators have no committed value (run generate), or nothing is to be delivered. */
    record NotReady(List<String> reasons) implements DeliveryOutcome {
        public NotReady {
            reasons = List.copyOf(reasons);
        }
    }
}
