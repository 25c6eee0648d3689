package dev.baozi.openbao;

/** An AppRole to log in with: its auth mount, role-id and secret-id (never printed). */
public record AppRole(String mount, String roleId, String secretId) {

    @Override
    public String toString() {
        return "AppRole[mount=" + mount + ", roleId=" + roleId + ", secretId=(hidden)]";
    }
}
