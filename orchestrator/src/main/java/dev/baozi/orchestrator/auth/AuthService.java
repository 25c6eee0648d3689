package dev.baozi.orchestrator.auth;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Issues state tokens and tells who a presented credential belongs to. */
public final class AuthService {

    private static final String STATE_TOKEN_PREFIX = "bzs_";
    private static final String USER_TOKEN_PREFIX = "bzu_";

    private final StateTokenRepository tokens;
    private final UserRepository users;
    private final Optional<String> adminTokenHash;
    private final Clock clock;

    public AuthService(StateTokenRepository tokens, UserRepository users, Optional<String> adminToken, Clock clock) {
        this.tokens = tokens;
        this.users = users;
        this.adminTokenHash = adminToken.map(Tokens::hash);
        this.clock = clock;
    }

    public IssuedToken issueStateToken(String workspace, String name, TokenAccess access, Principal by) {
        String token = Tokens.generate(STATE_TOKEN_PREFIX);
        StateToken record = tokens.insert(workspace, name, access, Tokens.hash(token), by.name(), OffsetDateTime.now(clock));
        return new IssuedToken(record, token);
    }

    /** The holder of a state token presented as a basic-auth password. */
    public Optional<Principal> stateTokenHolder(String token) {
        if (token == null || !token.startsWith(STATE_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        return tokens.findLive(Tokens.hash(token)).map(Principal.StateTokenHolder::new);
    }

    public AppUser createUser(String name, Role role) {
        return users.insert(name, role, OffsetDateTime.now(clock));
    }

    /** A new API token for {@code user}, returned this once. */
    public String issueUserToken(AppUser user, String name) {
        String token = Tokens.generate(USER_TOKEN_PREFIX);
        users.insertToken(user.id(), name, Tokens.hash(token), OffsetDateTime.now(clock));
        return token;
    }

    /** Whoever a bearer token belongs to: the admin token, or a user's API token. */
    public Optional<Principal> bearer(String token) {
        if (token != null && token.startsWith(USER_TOKEN_PREFIX)) {
            return users.byLiveToken(Tokens.hash(token)).map(u -> new Principal.User(u.id(), u.name(), u.role()));
        }
        return admin(token);
    }

    public UserRepository users() {
        return users;
    }

    /** The admin, if {@code token} is the configured admin token. */
    public Optional<Principal> admin(String token) {
        if (token == null || adminTokenHash.isEmpty()) {
            return Optional.empty();
        }
        return Tokens.sameHash(Tokens.hash(token), adminTokenHash.get()) ? Optional.of(new Principal.Admin()) : Optional.empty();
    }

    public StateTokenRepository tokens() {
        return tokens;
    }
}
