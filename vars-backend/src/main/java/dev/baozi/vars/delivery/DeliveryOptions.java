package dev.baozi.vars.delivery;

import java.time.Duration;

/**
 * How long the wrapping token can be unwrapped ({@code wrapTtl}, e.g. the time to first boot) and
 * how long the unwrapped token lives to read the files ({@code tokenTtl}).
 */
public record DeliveryOptions(Duration wrapTtl, Duration tokenTtl) {

    public DeliveryOptions {
        if (wrapTtl.toSeconds() < 1 || tokenTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("delivery TTLs are whole seconds, at least 1s (wrap " + wrapTtl
                    + ", token " + tokenTtl + ")");
        }
    }

    public static DeliveryOptions defaults() {
        return new DeliveryOptions(Duration.ofMinutes(30), Duration.ofMinutes(5));
    }
}
