package dev.baozi.openbao;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where OpenBao is and how to reach it: its address, the CA certificate (PEM) to trust instead of
 * the JVM's when it is served over TLS by a private CA, and the connect timeout (a request may
 * take six times as long).
 */
public record OpenBaoConnection(URI address, Optional<Path> caCert, Duration timeout) {

    /** An address trusted the JVM's way (or plain HTTP). */
    public static OpenBaoConnection of(URI address, Duration timeout) {
        return new OpenBaoConnection(address, Optional.empty(), timeout);
    }
}
