package dev.baozi.vars.definition;

/** The key of a generated certificate. */
public enum KeyType {
    EC_P256("ec-p256"),
    EC_P384("ec-p384"),
    RSA_2048("rsa-2048"),
    RSA_3072("rsa-3072"),
    RSA_4096("rsa-4096");

    private final String id;

    KeyType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean isRsa() {
        return id.startsWith("rsa-");
    }

    /** RSA modulus bits or EC field bits. */
    public int bits() {
        return Integer.parseInt(id.substring(id.indexOf('-') + 1).replace("p", ""));
    }

    static String ids() {
        StringBuilder b = new StringBuilder();
        for (KeyType t : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(t.id);
        }
        return b.toString();
    }

    static KeyType fromId(String id) {
        for (KeyType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
