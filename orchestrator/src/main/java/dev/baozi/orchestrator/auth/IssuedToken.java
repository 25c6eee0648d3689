package dev.baozi.orchestrator.auth;

/** A token just created: its record and the token itself, which is shown this once. */
public record IssuedToken(StateToken record, String token) {
    @Override
    public String toString() {
        return "IssuedToken[record=" + record + ", token=(hidden)]";
    }
}
