package dev.w5100alert.board.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The JDK itself (PKIX path validation, JSSE host-name check) accepts what the builder issues, and only that. */
class DemoPkiTest {

    private static final byte[] IP = {(byte) 192, (byte) 168, 1, 10};

    @Test
    void serverCertificateCarriesTheNamesAndChainsToTheCa() throws Exception {
        long now = System.currentTimeMillis();
        DemoPki pki = DemoPki.create(now, "mail.example.test", IP);
        X509Certificate server = pki.serverCertificate();
        assertEquals(-1, server.getBasicConstraints());
        assertTrue(pki.caCertificate().getBasicConstraints() >= 0);
        assertEquals(List.of(List.of(2, "mail.example.test"), List.of(7, "192.168.1.10")),
                server.getSubjectAlternativeNames().stream().map(l -> List.copyOf(l)).toList());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage());
        validate(pki.caCertificate(), server, now); // throws when the path does not verify
    }

    @Test
    void pathValidationRefusesAnotherCaAndAnExpiredDate() throws Exception {
        long now = System.currentTimeMillis();
        DemoPki pki = DemoPki.create(now, "mail.example.test", null);
        DemoPki other = DemoPki.create(now, "mail.example.test", null);
        assertThrows(CertPathValidatorException.class, () -> validate(other.caCertificate(), pki.serverCertificate(), now));
        assertThrows(CertPathValidatorException.class,
                () -> validate(pki.caCertificate(), pki.serverCertificate(), now + 3 * 86_400_000L));
    }

    @Test
    void pemRoundTripsThroughTheJdkParser() throws Exception {
        DemoPki pki = DemoPki.create(System.currentTimeMillis(), null, IP);
        X509Certificate back = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(java.util.Base64.getMimeDecoder().decode(
                        pki.caPem().replaceAll("-----[A-Z ]+-----", ""))));
        assertEquals(pki.caCertificate(), back);
    }

    @Test
    void jsseHandshakeVerifiesTheHostNameAgainstTheDemoCa() throws Exception {
        DemoPki pki = DemoPki.create(System.currentTimeMillis(), "mail.example.test", IP);
        assertEquals("ok", handshake(pki, "mail.example.test"));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshake(pki, "other.example.test"));
        assertTrue(e.getMessage().contains("other.example.test"), e.getMessage());
    }

    /** A real TLS handshake on loopback: server with the demo chain, client trusting only the demo CA. */
    private static String handshake(DemoPki pki, String expectedName) throws Exception {
        SSLContext server = pki.serverContext();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(pki.trustStore());
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(5000);
                    OutputStream o = s.getOutputStream();
                    o.write("ok".getBytes());
                    o.flush();
                } catch (Exception ignored) {
                    // the client's failure is what the test checks
                }
            });
            java.net.Socket plain = new java.net.Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
            // Layered over a connected socket with the expected host: JSSE checks the certificate against that name.
            try (SSLSocket c = (SSLSocket) client.getSocketFactory()
                    .createSocket(plain, expectedName, ss.getLocalPort(), true)) {
                c.setSoTimeout(5000);
                SSLParameters p = c.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                c.setSSLParameters(p);
                InputStream in = c.getInputStream();
                byte[] b = new byte[2];
                c.startHandshake();
                int n = in.readNBytes(b, 0, 2);
                return new String(b, 0, n);
            } finally {
                serving.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void validate(X509Certificate ca, X509Certificate leaf, long atMillis) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(new Date(atMillis));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }
}
