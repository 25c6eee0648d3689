package dev.baozi.orchestrator.proxmox;

import java.util.Locale;

/**
 * The other cluster of a remote migration, as PVE's {@code proxmox-remote} property string names it:
 * its API host and port, the API token the source cluster uses there, and the SHA-256 fingerprint of
 * its certificate. {@link #toString()} never shows the token's secret.
 */
public record RemoteEndpoint(String host, int port, ApiToken token, String fingerprint) {

    public RemoteEndpoint {
        if (host == null || host.isBlank() || host.contains(",") || host.contains("=")) {
            throw new IllegalArgumentException("a remote endpoint's host is a name or address, got '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a remote endpoint's port is 1 to 65535, got " + port);
        }
        if (token == null) {
            throw new IllegalArgumentException("a remote endpoint needs the target cluster's API token");
        }
        String hex = fingerprint == null ? "" : fingerprint.replace(":", "");
        if (!hex.matches("[0-9A-Fa-f]{64}")) {
            throw new IllegalArgumentException("a remote endpoint's fingerprint is the SHA-256 of its certificate (64 hex digits), got '"
                    + fingerprint + "'");
        }
        fingerprint = formatted(hex);
    }

    private static String formatted(String hex) {
        StringBuilder out = new StringBuilder();
        String upper = hex.toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(upper, i, i + 2);
        }
        return out.toString();
    }

    /** The {@code target-endpoint} value; it holds the token secret, so it only goes into the request body. */
    String wire() {
        return "apitoken=" + token.header() + ",host=" + host + ",port=" + port + ",fingerprint=" + fingerprint;
    }

    @Override
    public String toString() {
        return "RemoteEndpoint[" + host + ":" + port + " as " + token.tokenId() + ", fingerprint " + fingerprint + "]";
    }
}
