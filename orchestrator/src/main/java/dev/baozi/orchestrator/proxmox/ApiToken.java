package dev.baozi.orchestrator.proxmox;

import java.util.regex.Pattern;

/**
 * A Proxmox VE API token: its id ({@code user@realm!tokenid}) and its secret. The secret is only
 * ever put into the {@code Authorization} header; {@link #toString()} never shows it.
 */
public record ApiToken(String tokenId, String secret) {

    /** PVE's forms: user without whitespace, ':' or '/'; realm and token id start with a letter. */
    private static final Pattern ID = Pattern.compile("[^\\s:/@!=]+@[A-Za-z][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*");
    /** Header-safe: printable ASCII without spaces (PVE's own secrets are UUIDs). */
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{1,256}");

    public ApiToken {
        if (!isValidId(tokenId)) {
            throw new IllegalArgumentException(idProblem(tokenId));
        }
        if (!isValidSecret(secret)) {
            throw new IllegalArgumentException(SECRET_PROBLEM);
        }
    }

    /** Why a secret is refused; it never quotes the secret. */
    public static final String SECRET_PROBLEM = "the token secret must be 1 to 256 printable ASCII characters without spaces";

    public static boolean isValidId(String tokenId) {
        return tokenId != null && tokenId.length() <= 200 && ID.matcher(tokenId).matches();
    }

    public static boolean isValidSecret(String secret) {
        return secret != null && SECRET.matcher(secret).matches();
    }

    /** Why {@code tokenId} is not a token id (for error messages; token ids are not secret). */
    public static String idProblem(String tokenId) {
        return "a token id looks like user@realm!tokenid (for example baozi@pve!orchestrator), got "
                + (tokenId == null ? "nothing" : "'" + (tokenId.length() > 80 ? tokenId.substring(0, 80) + "…" : tokenId) + "'");
    }

    /** The value of the {@code Authorization} header PVE expects. */
    String header() {
        return "PVEAPIToken=" + tokenId + "=" + secret;
    }

    @Override
    public String toString() {
        return "ApiToken[tokenId=" + tokenId + ", secret=(set)]";
    }
}
