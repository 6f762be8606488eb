package dev.w5100alert.board.pki;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Issues X.509 v3 certificates (RFC 5280) with ECDSA P-256 keys using only the JDK: the TBS structure is encoded
 * by {@link Der}, signed with {@code SHA256withECDSA}, and the result is parsed back by the JDK's
 * {@link CertificateFactory}, so whatever comes out is a certificate the JDK itself accepts as well-formed.
 *
 * <p>Built for the demo's throw-away CA and for tests; it writes exactly the extensions a TLS server chain needs
 * (basicConstraints, keyUsage, extendedKeyUsage serverAuth, subjectAltName) and nothing else.
 */
public final class CertificateBuilder {

    private static final String EC_PUBLIC_KEY_SIG = "1.2.840.10045.4.3.2"; // ecdsa-with-SHA256
    private static final String CN = "2.5.4.3";
    private static final String O = "2.5.4.10";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXT_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) { }

    private final String commonName;
    private String organization;
    private long notBefore;
    private long notAfter;
    private boolean ca;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<byte[]> ipAddresses = new ArrayList<>();

    private CertificateBuilder(String commonName) {
        this.commonName = commonName;
        long now = System.currentTimeMillis();
        this.notBefore = now - 3_600_000L;
        this.notAfter = now + 86_400_000L;
    }

    /** A certificate whose subject is {@code CN=commonName}, valid from an hour ago for a day unless changed. */
    public static CertificateBuilder subject(String commonName) {
        return new CertificateBuilder(commonName);
    }

    public CertificateBuilder organization(String o) {
        this.organization = o;
        return this;
    }

    public CertificateBuilder validity(long notBeforeMillis, long notAfterMillis) {
        this.notBefore = notBeforeMillis;
        this.notAfter = notAfterMillis;
        return this;
    }

    /** A CA certificate (basicConstraints cA, keyCertSign) instead of a TLS server certificate. */
    public CertificateBuilder ca() {
        this.ca = true;
        return this;
    }

    public CertificateBuilder dns(String name) {
        dnsNames.add(name);
        return this;
    }

    public CertificateBuilder ip(byte[] address) {
        ipAddresses.add(address.clone());
        return this;
    }

    /** Self-signed with a new key. */
    public Issued selfSigned() {
        KeyPair kp = newKeyPair();
        return build(kp, name(), kp.getPrivate());
    }

    /** Signed by {@code issuer} with a new key. */
    public Issued signedBy(Issued issuer) {
        KeyPair kp = newKeyPair();
        byte[] issuerName = issuer.certificate().getSubjectX500Principal().getEncoded();
        return build(kp, issuerName, issuer.key());
    }

    private Issued build(KeyPair kp, byte[] issuerName, PrivateKey signer) {
        try {
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            serial[0] = (byte) ((serial[0] & 0x7F) | 0x01); // positive, never a leading zero
            byte[] algorithm = Der.sequence(Der.oid(EC_PUBLIC_KEY_SIG));
            byte[] tbs = Der.sequence(
                    Der.context(0, true, Der.integer(2)), // v3
                    Der.integer(serial),
                    algorithm,
                    issuerName,
                    Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                    name(),
                    kp.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
                    Der.context(3, true, Der.sequence(extensions())));
            Signature sig = Signature.getInstance("SHA256withECDSA");
            sig.initSign(signer);
            sig.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bits(0, sig.sign()));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return new Issued(cert, kp.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot issue an ECDSA P-256 certificate", e);
        }
    }

    private byte[] name() {
        List<byte[]> rdns = new ArrayList<>();
        if (organization != null) {
            rdns.add(Der.tlv(Der.SET, Der.sequence(Der.oid(O), Der.utf8(organization))));
        }
        rdns.add(Der.tlv(Der.SET, Der.sequence(Der.oid(CN), Der.utf8(commonName))));
        return Der.sequence(rdns.toArray(new byte[0][]));
    }

    private byte[][] extensions() {
        List<byte[]> ext = new ArrayList<>();
        if (ca) {
            ext.add(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))));
            // keyCertSign (bit 5) and cRLSign (bit 6): 0000 0110, one unused bit
            ext.add(extension(KEY_USAGE, true, Der.bits(1, new byte[] {0x06})));
        } else {
            ext.add(extension(BASIC_CONSTRAINTS, true, Der.sequence()));
            // digitalSignature (bit 0): 1000 0000, seven unused bits
            ext.add(extension(KEY_USAGE, true, Der.bits(7, new byte[] {(byte) 0x80})));
            ext.add(extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH))));
        }
        if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String d : dnsNames) {
                names.add(Der.context(2, false, d.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            for (byte[] ip : ipAddresses) {
                names.add(Der.context(7, false, ip));
            }
            ext.add(extension(SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(new byte[0][]))));
        }
        return ext.toArray(new byte[0][]);
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC P-256 key generator", e);
        }
    }
}
