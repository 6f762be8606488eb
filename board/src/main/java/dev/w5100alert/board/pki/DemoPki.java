package dev.w5100alert.board.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The throw-away PKI of the demo and of {@code --simulated} runs against an embedded server: a CA made at start
 * and a server certificate it issues for the name (or IP address) the board is configured to expect. Keys live
 * in memory only and die with the process; nothing here is a secret worth keeping, and nothing here is meant
 * for a real server. The board trusts the CA exactly as it would trust a {@code smtp.ca-file}: through the
 * normal PKIX path check and host-name check, never by skipping them.
 */
public final class DemoPki {

    private static final char[] NO_PASSWORD = new char[0];

    private final CertificateBuilder.Issued ca;
    private final CertificateBuilder.Issued server;

    private DemoPki(CertificateBuilder.Issued ca, CertificateBuilder.Issued server) {
        this.ca = ca;
        this.server = server;
    }

    /**
     * A new CA (valid from an hour ago for two days) and a server certificate for {@code dnsName} (may be null)
     * and {@code ip} (may be null), valid as long.
     */
    public static DemoPki create(long nowMillis, String dnsName, byte[] ip) {
        long from = nowMillis - 3_600_000L;
        long to = nowMillis + 2 * 86_400_000L;
        CertificateBuilder.Issued ca = CertificateBuilder.subject("w5100-alert demo CA")
                .organization("w5100-alert demo, not for real use").validity(from, to).ca().selfSigned();
        CertificateBuilder sb = CertificateBuilder.subject(dnsName != null ? dnsName : "w5100-alert demo server")
                .organization("w5100-alert demo, not for real use").validity(from, to);
        if (dnsName != null) {
            sb.dns(dnsName);
        }
        if (ip != null) {
            sb.ip(ip);
        }
        return new DemoPki(ca, sb.signedBy(ca));
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    public X509Certificate serverCertificate() {
        return server.certificate();
    }

    /** A key store holding only the CA certificate: what the board trusts. */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("demo-ca", ca.certificate());
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build an in-memory key store", e);
        }
    }

    /** The server side: its key and the chain (server, CA) for an SSL server socket or STARTTLS. */
    public SSLContext serverContext() {
        return serverContext(server, ca.certificate());
    }

    /** A server-side TLS context presenting {@code leaf} followed by {@code chain} (issuers, leaf's first). */
    public static SSLContext serverContext(CertificateBuilder.Issued leaf, X509Certificate... chain) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Certificate[] all = new Certificate[chain.length + 1];
            all[0] = leaf.certificate();
            System.arraycopy(chain, 0, all, 1, chain.length);
            ks.setKeyEntry("server", leaf.key(), NO_PASSWORD, all);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the demo server's TLS context", e);
        }
    }

    /** The CA certificate as PEM, e.g. to write a file for {@code smtp.ca-file}. */
    public String caPem() {
        return pem(ca.certificate());
    }

    public static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
