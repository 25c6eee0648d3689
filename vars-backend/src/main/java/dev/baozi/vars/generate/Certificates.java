package dev.baozi.vars.generate;

import dev.baozi.vars.definition.CertificateSpec;
import dev.baozi.vars.definition.KeyType;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * X.509 certificates and keys in PEM (keys as PKCS#8 {@code PRIVATE KEY}): self-signed server
 * certificates, certificate authorities and server certificates signed by one. Built with
 * BouncyCastle, whose builder the JDK lacks; keys and signatures come from the JDK's providers.
 */
public final class Certificates {

    /** Certificates start a little in the past so a machine whose clock is slightly behind accepts them. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final SecureRandom random;
    private final Clock clock;

    public Certificates(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    /** A key and certificate, both PEM. */
    public record Issued(String keyPem, String certificatePem) {
        @Override
        public String toString() {
            return "Certificates.Issued[key=(hidden)]";
        }
    }

    /** A CA's key and certificate as read from its files. */
    public record Authority(PrivateKey key, X509Certificate certificate) {
        @Override
        public String toString() {
            return "Certificates.Authority[" + certificate.getSubjectX500Principal() + ", key=(hidden)]";
        }
    }

    public Issued selfSigned(CertificateSpec spec) {
        KeyPair kp = keyPair(spec.key());
        X500Name subject = name(spec.subject());
        return issue(subject, kp, subject, kp.getPrivate(), null, spec.validityDays(), false, spec.sans(), spec.key());
    }

    public Issued authority(String subject, int validityDays, KeyType keyType) {
        KeyPair kp = keyPair(keyType);
        X500Name name = name(subject);
        return issue(name, kp, name, kp.getPrivate(), null, validityDays, true, List.of(), keyType);
    }

    public Issued signedBy(Authority ca, CertificateSpec spec) {
        KeyPair kp = keyPair(spec.key());
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        return issue(name(spec.subject()), kp, issuer, ca.key(), ca.certificate(), spec.validityDays(), false,
                spec.sans(), spec.key());
    }

    private Issued issue(X500Name subject, KeyPair kp, X500Name issuer, PrivateKey signingKey, X509Certificate issuerCert,
                         int validityDays, boolean isCa, List<String> sans, KeyType keyType) {
        Instant now = clock.instant();
        BigInteger serial = new BigInteger(159, random).setBit(158);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(Duration.ofDays(validityDays))), subject, kp.getPublic());
        try {
            var ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? ext.createAuthorityKeyIdentifier(kp.getPublic())
                    : ext.createAuthorityKeyIdentifier(issuerCert));
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                int usage = KeyUsage.digitalSignature | (keyType.isRsa() ? KeyUsage.keyEncipherment : 0);
                b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                if (!sans.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(sans));
                }
            }
            var signer = new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).setSecureRandom(random).build(signingKey);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
            return new Issued(pem("PRIVATE KEY", kp.getPrivate().getEncoded()), pem("CERTIFICATE", cert.getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("building a certificate for " + subject, e);
        }
    }

    private static GeneralNames subjectAltNames(List<String> sans) {
        List<GeneralName> names = new ArrayList<>();
        for (String san : sans) {
            names.add(isIpLiteral(san) ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+") || !(s.contains(":") || s.matches("[0-9.]+"))) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        if (key.getAlgorithm().equals("RSA")) {
            return "SHA256withRSA";
        }
        int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getCurve().getField().getFieldSize();
        return bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }

    private KeyPair keyPair(KeyType type) {
        try {
            KeyPairGenerator g;
            if (type.isRsa()) {
                g = KeyPairGenerator.getInstance("RSA");
                g.initialize(new RSAKeyGenParameterSpec(type.bits(), RSAKeyGenParameterSpec.F4), random);
            } else {
                g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec(type == KeyType.EC_P384 ? "secp384r1" : "secp256r1"), random);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("making a " + type.id() + " key", e);
        }
    }

    private static X500Name name(String subject) {
        return X500Name.getInstance(new X500Principal(subject.contains("=") ? subject : "CN=" + subject).getEncoded());
    }

    /** Reads a CA from its PEM files (PKCS#8 key, certificate). */
    public static Authority readAuthority(String keyPem, String certificatePem) {
        try {
            X509Certificate cert = readCertificate(certificatePem);
            byte[] der = der("PRIVATE KEY", keyPem);
            String algorithm = cert.getPublicKey().getAlgorithm();
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new Authority(key, cert);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("reading the CA's key and certificate: " + e.getClass().getSimpleName());
        }
    }

    public static X509Certificate readCertificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der("CERTIFICATE", pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("reading a PEM certificate: " + e.getMessage());
        }
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static byte[] der(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no PEM block " + label + " found");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
