package dev.baozi.orchestrator.auth;

/** Who is calling, once authenticated. */
public sealed interface Principal {

    /** How the caller appears in audit records, run records and lock holders. */
    String name();

    /** A person's role; state tokens have none (they open only the state backend). */
    default Role role() {
        return null;
    }

    record StateTokenHolder(StateToken token) implements Principal {
        @Override
        public String name() {
            return "state-token:" + token.workspace() + "/" + token.name();
        }
    }

    /** The configured admin token: the first admin, before any user exists. */
    record Admin() implements Principal {
        @Override
        public String name() {
            return "admin";
        }

        @Override
        public Role role() {
            return Role.ADMIN;
        }
    }

    /** Baozi itself, doing {@code what} (giving back a reservation, say): never an HTTP caller. */
    record Internal(String what) implements Principal {
        @Override
        public String name() {
            return "baozi:" + what;
        }
    }

    /** A user calling with one of their API tokens. */
    record User(long id, String userName, Role role) implements Principal {
        @Override
        public String name() {
            return "user:" + userName;
        }
    }
}
