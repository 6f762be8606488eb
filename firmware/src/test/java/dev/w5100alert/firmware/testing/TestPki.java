package dev.w5100alert.firmware.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by the tests (Bouncy Castle's bcpkix, test scope only): a root, an intermediate,
 * and server certificates signed by the intermediate with whatever names and dates a case needs (P-256 keys:
 * quick to make). {@link #trustStore()} holds only the root, the way {@code ca-file} would.
 */
public final class TestPki {

    public static final long DAY = 86_400_000L;
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);

    public final Issuer root;
    public final Issuer intermediate;

    /** A CA key and its certificate. */
    public record Issuer(String name, KeyPair keys, X509Certificate cert) {
    }

    /** A server's key and the chain it presents (leaf first). */
    public record ServerCert(KeyPair keys, X509Certificate[] chain) {
        public X509Certificate leaf() {
            return chain[0];
        }

        /** A server-side SSLContext presenting this chain (the protocol versions are chosen per socket). */
        public SSLContext serverContext() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", keys.getPrivate(), "pw".toCharArray(), chain);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, "pw".toCharArray());
                SSLContext c = SSLContext.getInstance("TLS");
                c.init(kmf.getKeyManagers(), null, null);
                return c;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A root and an intermediate valid from a year before {@code nowMillis} to ten years after. */
    public TestPki(String label, long nowMillis) {
        root = selfSignedCa("CN=" + label + " Root CA", nowMillis - 365 * DAY, nowMillis + 3650 * DAY);
        intermediate = ca(root, "CN=" + label + " Intermediate CA", nowMillis - 365 * DAY, nowMillis + 3650 * DAY);
    }

    /** The anchors a user would list in ca-file: the root only. */
    public KeyStore trustStore() {
        return storeOf(root.cert);
    }

    public static KeyStore storeOf(X509Certificate... certs) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.length; i++) {
                ks.setCertificateEntry("ca" + i, certs[i]);
            }
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate signed by the intermediate; names "IP:1.2.3.4" become iPAddress, others dNSName. */
    public ServerCert server(String cn, long notBefore, long notAfter, String... names) {
        KeyPair kp = keyPair();
        X509Certificate leaf = sign(intermediate, "CN=" + cn, kp, notBefore, notAfter, false, names);
        return new ServerCert(kp, new X509Certificate[] {leaf, intermediate.cert});
    }

    /** A self-signed server certificate (no CA at all). */
    public static ServerCert selfSigned(String cn, long notBefore, long notAfter, String... names) {
        KeyPair kp = keyPair();
        X509Certificate c = build(new X500Name("CN=" + cn), kp.getPrivate(), "CN=" + cn, kp, notBefore, notAfter,
                false, names, null);
        return new ServerCert(kp, new X509Certificate[] {c});
    }

    private static Issuer selfSignedCa(String dn, long from, long to) {
        KeyPair kp = keyPair();
        X509Certificate c = build(new X500Name(dn), kp.getPrivate(), dn, kp, from, to, true, new String[0], null);
        return new Issuer(dn, kp, c);
    }

    private static Issuer ca(Issuer parent, String dn, long from, long to) {
        KeyPair kp = keyPair();
        return new Issuer(dn, kp, sign(parent, dn, kp, from, to, true));
    }

    private static X509Certificate sign(Issuer by, String dn, KeyPair subject, long from, long to, boolean ca,
            String... names) {
        return build(new X500Name(by.name), by.keys.getPrivate(), dn, subject, from, to, ca, names, by.cert);
    }

    private static X509Certificate build(X500Name issuer, java.security.PrivateKey signer, String dn, KeyPair subject,
            long from, long to, boolean ca, String[] names, X509Certificate issuerCert) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(from), new Date(to), new X500Name(dn),
                    subject.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature));
            if (names.length > 0) {
                List<GeneralName> g = new ArrayList<>();
                for (String n : names) {
                    g.add(n.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, n.substring(3))
                            : new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(g.toArray(GeneralName[]::new)));
            }
            ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
