package dev.w5100alert.firmware.tls;

import dev.w5100alert.hal.Clock;
import java.net.Socket;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one trust manager of the TLS link: validates the server's chain with PKIX ({@link CertPathValidator}) against
 * the policy's anchors at the date the injected {@link Clock#epochMillis()} reads at this handshake, then checks the
 * identity with {@link HostNames} (RFC 6125). It never accepts without both checks; a failure is classified
 * ({@link TlsFailure}) and described (with the board's clock time or the names the certificate carries) before the
 * handshake is refused. A resumed session (JSSE skips the trust manager then) gets the same checks from
 * {@link TlsLink} before its first byte of data. Revocation is not checked (no CRL/OCSP fetches from the board).
 */
final class CertificateVerifier extends X509ExtendedTrustManager {

    private final Clock clock;
    private final CertificateFactory factory;
    private final CertPathValidator validator;
    private TlsPolicy policy = TlsPolicy.NONE;
    private X509Certificate[] chain = new X509Certificate[0];
    private TlsFailure failure = TlsFailure.NONE;
    private String detail = "";
    private boolean verified;
    private boolean ran;

    CertificateVerifier(Clock clock) {
        this.clock = clock;
        try {
            factory = CertificateFactory.getInstance("X.509");
            validator = CertPathValidator.getInstance("PKIX");
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks X.509/PKIX support", e);
        }
    }

    void begin(TlsPolicy p) {
        policy = p;
        chain = new X509Certificate[0];
        failure = TlsFailure.NONE;
        detail = "";
        verified = false;
        ran = false;
    }

    /** Whether JSSE asked for a verdict in this handshake (it does not when it resumes a session). */
    boolean ranThisHandshake() {
        return ran;
    }

    /**
     * The same checks for the chain of a resumed session, at this handshake's clock time and with this policy:
     * resumption skips the trust manager, but not our checks.
     */
    void checkResumed(X509Certificate[] presented) throws CertificateException {
        verify(presented);
    }

    X509Certificate[] chain() {
        return chain.clone();
    }

    TlsFailure failure() {
        return failure;
    }

    String detail() {
        return detail;
    }

    boolean verified() {
        return verified;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine)
            throws CertificateException {
        verify(presented);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket)
            throws CertificateException {
        verify(presented);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        verify(presented);
    }

    private void verify(X509Certificate[] presented) throws CertificateException {
        ran = true;
        chain = presented == null ? new X509Certificate[0] : presented.clone();
        if (chain.length == 0) {
            throw refuse(TlsFailure.HANDSHAKE_FAILED, "the server sent no certificate");
        }
        long nowMillis = clock.epochMillis();
        if (nowMillis < TlsLink.BUILD_DATE_MILLIS) {
            throw refuse(TlsFailure.CLOCK_NOT_SET, "the board's clock is not set (it reads "
                    + Instant.ofEpochMilli(nowMillis) + ", before the firmware's build date "
                    + Instant.ofEpochMilli(TlsLink.BUILD_DATE_MILLIS) + ")");
        }
        Date now = new Date(nowMillis);
        validatePath(now);
        checkIdentity();
        verified = true;
    }

    private void validatePath(Date now) throws CertificateException {
        X509Certificate leaf = chain[0];
        // A trust anchor itself (ca-file holding the server's own self-signed certificate) has no path to
        // validate, only its dates.
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (!path.isEmpty() && isAnchor(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            checkDates(leaf, now);
            return;
        }
        try {
            CertPath cp = factory.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(policy.trustAnchors());
            params.setRevocationEnabled(false);
            params.setDate(now);
            validator.validate(cp, params);
        } catch (CertPathValidatorException e) {
            CertPathValidatorException.Reason r = e.getReason();
            int index = e.getIndex();
            X509Certificate which = index >= 0 && index < path.size() ? path.get(index) : leaf;
            if (r == CertPathValidatorException.BasicReason.EXPIRED) {
                throw expired(which, now);
            }
            if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                throw notYetValid(which, now);
            }
            throw refuse(TlsFailure.UNTRUSTED, "certificate " + subject(leaf) + " issued by "
                    + leaf.getIssuerX500Principal().getName() + " is not trusted ("
                    + (policy.defaultTrustStore() ? "not in the default trust store; set smtp.ca-file"
                    : "not signed by a certificate in smtp.ca-file") + ")");
        } catch (InvalidAlgorithmParameterException e) {
            throw refuse(TlsFailure.UNTRUSTED, "no trust anchors");
        }
    }

    private void checkDates(X509Certificate c, Date now) throws CertificateException {
        try {
            c.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw expired(c, now);
        } catch (CertificateNotYetValidException e) {
            throw notYetValid(c, now);
        }
    }

    private CertificateException expired(X509Certificate c, Date now) {
        return refuse(TlsFailure.EXPIRED, "certificate " + subject(c) + " expired on " + c.getNotAfter().toInstant()
                + "; the board's clock reads " + now.toInstant());
    }

    private CertificateException notYetValid(X509Certificate c, Date now) {
        return refuse(TlsFailure.NOT_YET_VALID, "certificate " + subject(c) + " is valid only from "
                + c.getNotBefore().toInstant() + "; the board's clock reads " + now.toInstant());
    }

    private boolean isAnchor(X509Certificate c) {
        for (TrustAnchor a : policy.trustAnchors()) {
            if (c.equals(a.getTrustedCert())) {
                return true;
            }
        }
        return false;
    }

    private void checkIdentity() throws CertificateException {
        X509Certificate leaf = chain[0];
        String name = policy.serverName();
        boolean ok = name != null ? HostNames.certificateMatchesName(leaf, name)
                : HostNames.certificateMatchesIp(leaf, policy.serverIpv4());
        if (!ok) {
            throw refuse(TlsFailure.NAME_MISMATCH, "certificate is for " + HostNames.describeNames(leaf)
                    + ", not " + (name != null ? name : HostNames.ipv4Text(policy.serverIpv4()))
                    + " (set smtp.tls-server-name to a name it carries)");
        }
    }

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private CertificateException refuse(TlsFailure f, String why) {
        failure = f;
        detail = why;
        return new CertificateException(why);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this is a client: no client certificates are checked");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this is a client: no client certificates are checked");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this is a client: no client certificates are checked");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
