package dev.baozi.orchestrator.auth;

/** Who is calling, once authenticated. */
public sealed interface Principal {

    /** How the caller appears in audit records and lock holders. */
    String name();

    record StateTokenHolder(StateToken token) implements Principal {
        @Override
        public String name() {
            return "state-token:" + token.workspace() + "/" + token.name();
        }
    }

    record Admin() implements Principal {
        @Override
        public String name() {
            return "admin";
        }
    }
}
