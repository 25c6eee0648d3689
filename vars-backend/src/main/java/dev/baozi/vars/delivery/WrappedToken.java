package dev.baozi.vars.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * A response-wrapped delivery token: the wrapping token (single use, valid for {@code ttl}), its
 * accessor, and the accessor of the token inside (for revocation by an operator). Only the
 * wrapping token is secret, and {@code toString} hides it.
 */
public record WrappedToken(String wrappingToken, String accessor, String wrappedAccessor, Duration ttl, Instant created) {

    @Override
    public String toString() {
        return "WrappedToken[accessor=" + accessor + ", wrappedAccessor=" + wrappedAccessor + ", ttl=" + ttl
                + ", created=" + created + ", wrappingToken=(hidden)]";
    }
}
