package dev.baozi.harness.proxmox;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The simulator's TLS: a CA made at start and a server certificate it signs for loopback
 * ({@code 127.0.0.1}, {@code ::1}, {@code localhost}) and the given host. Clients trust the CA (Go's
 * {@code SSL_CERT_FILE}, a Java trust store) or pin the server certificate's SHA-256 fingerprint, as
 * PVE's {@code ssl_fingerprint}; none needs to skip verification.
 */
public final class SimulatorTls {

    static final char[] KEY_PASSWORD = "baozi-simulator".toCharArray();

    private final X509Certificate ca;
    private final X509Certificate server;
    private final KeyStore keyStore;

    private SimulatorTls(X509Certificate ca, X509Certificate server, KeyStore keyStore) {
        this.ca = ca;
        this.server = server;
        this.keyStore = keyStore;
    }

    /** A fresh CA and a server certificate for {@code host} (and loopback), valid for a year. */
    public static SimulatorTls generate(String host) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair caKeys = gen.generateKeyPair();
            KeyPair serverKeys = gen.generateKeyPair();
            Instant now = Instant.now();
            Date from = Date.from(now.minus(Duration.ofHours(1)));
            Date until = Date.from(now.plus(Duration.ofDays(365)));
            var extensions = new JcaX509ExtensionUtils();

            X500Name caName = new X500Name("CN=Baozi Proxmox simulator CA,O=Baozi");
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, until, caName,
                    caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(caBuilder, caKeys);

            List<GeneralName> names = new java.util.ArrayList<>(List.of(
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1"),
                    new GeneralName(GeneralName.dNSName, "localhost")));
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
                names.add(host.matches("[0-9.]+|[0-9a-fA-F:]+")
                        ? new GeneralName(GeneralName.iPAddress, host)
                        : new GeneralName(GeneralName.dNSName, host));
            }
            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, until,
                    new X500Name("CN=" + (host.contains(":") ? "localhost" : host) + ",O=Baozi Proxmox simulator"),
                    serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            X509Certificate server = sign(serverBuilder, caKeys);

            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", serverKeys.getPrivate(), KEY_PASSWORD, new Certificate[] {server, ca});
            return new SimulatorTls(ca, server, ks);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("generating the Proxmox simulator's CA and server certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The CA and server certificate kept in {@code file} (PKCS#12, 0600) from an earlier start, or
     * new ones saved there: a simulator that keeps its state keeps its certificate too, so a
     * provider pinned to its fingerprint stays valid across restarts.
     */
    public static SimulatorTls keptIn(Path file, String host) {
        try {
            if (Files.isRegularFile(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(file)) {
                    ks.load(in, KEY_PASSWORD);
                }
                Certificate[] chain = ks.getCertificateChain("server");
                if (chain == null || chain.length < 2) {
                    throw new IllegalStateException(file + " holds no server certificate and CA; delete it to make new ones");
                }
                return new SimulatorTls((X509Certificate) chain[1], (X509Certificate) chain[0], ks);
            }
            SimulatorTls made = generate(host);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(file)) {
                made.keyStore.store(out, KEY_PASSWORD);
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("keeping the Proxmox simulator's certificate in " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("reading the Proxmox simulator's certificate from " + file + ": " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(96, new SecureRandom());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /** The server's key and chain, for the HTTPS connector (password {@link #KEY_PASSWORD}). */
    KeyStore keyStore() {
        return keyStore;
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public X509Certificate serverCertificate() {
        return server;
    }

    /** The CA certificate in PEM, for {@code SSL_CERT_FILE} or any client's trust store. */
    public String caPem() {
        var out = new StringWriter();
        try (var pem = new JcaPEMWriter(out)) {
            pem.writeObject(ca);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the simulator's CA as PEM", e);
        }
        return out.toString();
    }

    /** Writes the CA certificate as PEM to {@code file}. */
    public Path writeCa(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, caPem());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the simulator's CA certificate to " + file, e);
        }
    }

    /** The server certificate's SHA-256 fingerprint as PVE shows it ({@code AB:CD:...}). */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(server.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("hashing the simulator's server certificate", e);
        }
    }
}
