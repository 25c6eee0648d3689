package dev.baozi.orchestrator.provider;

import dev.baozi.openbao.KvEntry;
import dev.baozi.openbao.KvV2;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.run.RunCredentials;
import dev.baozi.orchestrator.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Gives a workspace's tofu steps its provider's Proxmox endpoint and API token, as the bpg
 * provider reads them from the environment ({@code PROXMOX_VE_ENDPOINT},
 * {@code PROXMOX_VE_API_TOKEN}), so neither is written into the generated files or the state.
 * Certificate checking carries over: a provider's CA becomes {@code SSL_CERT_FILE} for the step;
 * a pinned fingerprint becomes the host's own certificate as the only trusted one, after this
 * class has checked that the host presents exactly that certificate; "insecure" stays explicit
 * ({@code PROXMOX_VE_INSECURE}). The token is tried ({@code GET /version}) before tofu starts, so a
 * refused or unreachable provider ends the run at once, in Baozi's words.
 */
public final class ProviderRunCredentials implements RunCredentials {

    static final String CA_FILE = "proxmox-ca.pem";

    private final ProviderService providers;
    private final KvV2 kv;

    public ProviderRunCredentials(ProviderService providers, KvV2 kv) {
        this.providers = providers;
        this.kv = kv;
    }

    @Override
    public Credentials forRun(Workspace workspace, Path runDir) {
        if (workspace.provider() == null) {
            return Credentials.NONE;
        }
        Provider provider = providers.get(workspace.provider()).orElseThrow(() -> new IllegalStateException(
                "workspace " + workspace.name() + " names provider " + workspace.provider() + ", which no longer exists"));
        String secret = kv.read(ProviderService.secretPath(provider.name())).map(e -> text(e, "secret")).orElseThrow(() ->
                new IllegalStateException("provider " + provider.name() + " has no API token secret in OpenBao"));
        // A plan that only creates never calls Proxmox, so a refused token would first show at apply:
        // ask now, so the plan itself says so.
        try {
            ProxmoxClient.connect(provider.endpoint(), new ApiToken(provider.tokenId(), secret), provider.tls()).version();
        } catch (ProxmoxException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("PROXMOX_VE_ENDPOINT", baseUrl(provider.endpoint()));
        env.put("PROXMOX_VE_API_TOKEN", provider.tokenId() + "=" + secret);
        switch (provider.tls()) {
            case TlsSettings.Insecure i -> env.put("PROXMOX_VE_INSECURE", "true");
            case TlsSettings.SystemTrust s -> env.put("PROXMOX_VE_INSECURE", "false");
            case TlsSettings.CaCertificate ca -> {
                env.put("PROXMOX_VE_INSECURE", "false");
                env.put("SSL_CERT_FILE", write(runDir, ca.pem()).toString());
            }
            case TlsSettings.PinnedFingerprint pin -> {
                env.put("PROXMOX_VE_INSECURE", "false");
                env.put("SSL_CERT_FILE", write(runDir, pem(pinnedCertificate(provider.endpoint(), pin))).toString());
            }
        }
        return new Credentials(env, List.of(secret, provider.tokenId() + "=" + secret));
    }

    private static String text(KvEntry entry, String field) {
        return entry.text(field);
    }

    /** The endpoint as bpg wants it: scheme, host and port, without PVE's {@code /api2/json} path. */
    static String baseUrl(URI endpoint) {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + "/";
    }

    private static Path write(Path runDir, String pem) {
        try {
            Files.createDirectories(runDir);
            Path file = runDir.resolve(CA_FILE);
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the provider's CA certificate for tofu", e);
        }
    }

    /**
     * The certificate the host presents, if its SHA-256 is the pinned one; refuses otherwise, so
     * tofu never trusts a certificate the provider's setting does not name.
     */
    static X509Certificate pinnedCertificate(URI endpoint, TlsSettings.PinnedFingerprint pin) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            int port = endpoint.getPort() < 0 ? 443 : endpoint.getPort();
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket(endpoint.getHost(), port)) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                Certificate[] chain = socket.getSession().getPeerCertificates();
                var leaf = (X509Certificate) chain[0];
                byte[] fingerprint = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
                if (!MessageDigest.isEqual(fingerprint, pin.bytes())) {
                    throw new IllegalStateException("the host " + endpoint.getHost() + " presents a certificate whose SHA-256 is not the pinned "
                            + pin.sha256() + "; tofu was not started");
                }
                return leaf;
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading the certificate of " + endpoint.getHost() + " to check its pinned fingerprint: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException | java.security.KeyManagementException | CertificateEncodingException e) {
            throw new IllegalStateException("checking the pinned fingerprint of " + endpoint.getHost() + ": " + e.getMessage(), e);
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("encoding the pinned certificate", e);
        }
    }

    /** Accepts any certificate during the handshake; the fingerprint check after it decides. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
