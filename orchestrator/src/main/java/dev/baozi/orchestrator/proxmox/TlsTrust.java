package dev.baozi.orchestrator.proxmox;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@link TlsSettings} to an OkHttp client: trust manager, socket factory and hostname check. */
final class TlsTrust {

    private static final Logger log = LoggerFactory.getLogger(TlsTrust.class);
    /** Endpoints already warned about (insecure), so the warning is logged once per endpoint and process. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private TlsTrust() {}

    /** Sets up {@code builder} to check certificates as {@code tls} says, for the host at {@code endpoint}. */
    static void apply(OkHttpClient.Builder builder, TlsSettings tls, String endpoint) {
        switch (tls) {
            case TlsSettings.SystemTrust s -> { } // OkHttp's defaults: the JDK's CAs, hostname checked
            case TlsSettings.CaCertificate ca -> use(builder, caTrust(ca), null);
            case TlsSettings.PinnedFingerprint pin -> use(builder, new PinnedTrust(pin), ANY_HOST);
            case TlsSettings.Insecure i -> {
                if (WARNED.add(endpoint)) {
                    log.warn("TLS verification is OFF for Proxmox at {} (insecure: true): anyone on the way can read and"
                            + " change its API traffic, the API token included; pin its certificate's fingerprint instead", endpoint);
                }
                use(builder, new TrustAll(), ANY_HOST);
            }
        }
    }

    /** With a pinned certificate (or none checked), the host name is not what is checked. */
    private static final HostnameVerifier ANY_HOST = (host, session) -> true;

    private static void use(OkHttpClient.Builder builder, X509TrustManager trust, HostnameVerifier hostnames) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            builder.sslSocketFactory(context.getSocketFactory(), trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("setting up TLS for the Proxmox client: " + e.getMessage(), e);
        }
        if (hostnames != null) {
            builder.hostnameVerifier(hostnames);
        }
    }

    private static X509TrustManager caTrust(TlsSettings.CaCertificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : ca.certificates()) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (var tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("setting up trust in the configured CA: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a certificate's DER encoding, as {@code AA:BB:…}. */
    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("hashing a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A trust manager for a client: it checks servers only, and the socket and engine variants
     * check exactly as the plain one does.
     */
    abstract static class ServerTrust extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Trusts exactly the leaf certificate with the pinned fingerprint, whoever issued it and whatever it names. */
    static final class PinnedTrust extends ServerTrust {
        private final TlsSettings.PinnedFingerprint pin;

        PinnedTrust(TlsSettings.PinnedFingerprint pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the host sent no certificate");
            }
            String seen = fingerprint(chain[0]);
            if (!MessageDigest.isEqual(seen.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    pin.sha256().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new CertificateException("the host's certificate has SHA-256 fingerprint " + seen
                        + ", not the pinned " + pin.sha256());
            }
        }
    }

    /** Trusts every certificate: {@code insecure: true}. */
    static final class TrustAll extends ServerTrust {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}
    }
}
