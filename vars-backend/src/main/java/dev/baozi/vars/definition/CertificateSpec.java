package dev.baozi.vars.definition;

import java.util.List;

/**
 * What a generated certificate says: subject (an X.500 name such as {@code CN=web,O=Shop}, or a
 * bare common name), subject alternative names (DNS names or IP addresses), validity and key.
 */
public record CertificateSpec(String subject, List<String> sans, int validityDays, KeyType key) {

    public CertificateSpec {
        sans = List.copyOf(sans);
    }
}
