package dev.w5100alert.firmware.tls;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a TLS connection must prove: the mode, the trust anchors and the identity the server certificate must carry.
 * Immutable; the anchors are read once, when the policy is built.
 *
 * <p>Host-name verification is always on (RFC 6125: subjectAltName only, a wildcard only as the whole left-most
 * label): when {@link #serverName()} is null, the certificate must carry {@link #serverIpv4()} as an IP-address
 * subjectAltName instead. There is no way to build a policy that trusts every certificate.
 */
public final class TlsPolicy {

    /** No TLS at all (the explicit opt-out). */
    public static final TlsPolicy NONE = new TlsPolicy(TlsMode.NONE, Set.of(), false, null, 0);

    private final TlsMode mode;
    private final Set<TrustAnchor> anchors;
    private final boolean defaultTrustStore;
    private final String serverName;
    private final int serverIpv4;

    private TlsPolicy(TlsMode mode, Set<TrustAnchor> anchors, boolean defaultTrustStore, String serverName,
            int serverIpv4) {
        this.mode = mode;
        this.anchors = anchors;
        this.defaultTrustStore = defaultTrustStore;
        this.serverName = serverName;
        this.serverIpv4 = serverIpv4;
    }

    /**
     * @param mode               STARTTLS, IMPLICIT or NONE
     * @param trustAnchorsOrNull trusted certificates (e.g. from {@code ca-file}); null for the JDK's default store
     * @param serverNameOrNull   the DNS name the certificate must carry, also sent as SNI; null (or an IPv4
     *                           literal) to require the certificate to carry that address instead
     * @param serverIpv4         the server's address (network order), used when no name is given
     * @throws IllegalArgumentException when the key store holds no certificate or the name is not a host name
     */
    public static TlsPolicy of(TlsMode mode, KeyStore trustAnchorsOrNull, String serverNameOrNull, int serverIpv4) {
        if (mode == null) {
            throw new IllegalArgumentException("TLS mode is required");
        }
        String name = null;
        int ip = serverIpv4;
        long literal = serverNameOrNull == null ? -1 : HostNames.parseIpv4(serverNameOrNull);
        if (literal >= 0) {
            ip = (int) literal; // an address given as the name: the certificate must carry that IP
        } else if (serverNameOrNull != null && !serverNameOrNull.isEmpty()) {
            name = HostNames.normalise(serverNameOrNull);
            if (name == null) {
                throw new IllegalArgumentException("not a DNS host name: " + serverNameOrNull);
            }
        }
        Set<TrustAnchor> anchors = mode == TlsMode.NONE ? Set.of() : anchorsOf(trustAnchorsOrNull);
        return new TlsPolicy(mode, anchors, trustAnchorsOrNull == null, name, ip);
    }

    private static Set<TrustAnchor> anchorsOf(KeyStore ks) {
        Set<TrustAnchor> set = new HashSet<>();
        try {
            if (ks == null) {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init((KeyStore) null);
                for (TrustManager tm : f.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        for (X509Certificate c : x.getAcceptedIssuers()) {
                            set.add(new TrustAnchor(c, null));
                        }
                    }
                }
            } else {
                Enumeration<String> aliases = ks.aliases();
                while (aliases.hasMoreElements()) {
                    String a = aliases.nextElement();
                    Certificate c = ks.getCertificate(a);
                    if (c instanceof X509Certificate x) {
                        set.add(new TrustAnchor(x, null));
                    }
                }
            }
        } catch (KeyStoreException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot read the trust anchors: " + e.getMessage(), e);
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no trusted certificate in the trust store");
        }
        return Collections.unmodifiableSet(set);
    }

    public TlsMode mode() {
        return mode;
    }

    /** The name the certificate must carry and SNI carries; null when the certificate must carry the IP. */
    public String serverName() {
        return serverName;
    }

    public int serverIpv4() {
        return serverIpv4;
    }

    /** Whether the anchors are the JDK's default trust store (no {@code ca-file}). */
    public boolean defaultTrustStore() {
        return defaultTrustStore;
    }

    /** The trust anchors (unmodifiable; empty for {@link TlsMode#NONE}). */
    public Set<TrustAnchor> trustAnchors() {
        return anchors;
    }

    @Override
    public String toString() {
        return "TlsPolicy[" + mode + (mode == TlsMode.NONE ? "" : ", name=" + (serverName != null ? serverName
                : HostNames.ipv4Text(serverIpv4)) + ", anchors=" + anchors.size()) + ']';
    }
}
