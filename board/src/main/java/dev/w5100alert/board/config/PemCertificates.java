package dev.w5100alert.board.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads {@code smtp.ca-file}: a PEM file (RFC 7468) of one or more {@code CERTIFICATE} blocks, the CA certificates
 * (or a server's self-signed certificate) that the board trusts in place of the JDK's default trust store.
 * Text outside the blocks (comments, {@code openssl x509 -text} output) is ignored, as OpenSSL does.
 *
 * <p>Every problem is a {@link Problem} whose message names the file and, where there is one, the line of the file
 * it is on; the caller adds the configuration key and line. Private keys in the file are reported (they do not
 * belong on the board) but not read.
 */
public final class PemCertificates {

    /** Bound on the file: a bundle of every public CA is about 200 KB; more is a mistake. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Bound on the certificates kept. */
    public static final int MAX_CERTIFICATES = 500;

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** The certificates read, and warnings that do not stop the file from being used. */
    public record Loaded(List<X509Certificate> certificates, List<String> warnings) {

        /** The certificates as trust anchors in an in-memory key store. */
        public KeyStore keyStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (int i = 0; i < certificates.size(); i++) {
                    ks.setCertificateEntry("ca-" + (i + 1), certificates.get(i));
                }
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                // An empty in-memory PKCS12 store always loads; this would be a broken JDK.
                throw new IllegalStateException("cannot build an in-memory key store", e);
            }
        }

        public List<String> subjects() {
            List<String> out = new ArrayList<>();
            for (X509Certificate c : certificates) {
                out.add(c.getSubjectX500Principal().getName());
            }
            return List.copyOf(out);
        }
    }

    /** Why the file cannot be used, in words that name the file (and line) and say what to do. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    private PemCertificates() { }

    /** Reads and parses {@code file}; {@code nowMillis} only feeds the warning about expired certificates. */
    public static Loaded load(Path file, long nowMillis) throws Problem {
        byte[] bytes;
        try {
            // The same guard as every other file the configuration names: a regular file, read with a hard bound.
            bytes = BoundedFile.read(file, MAX_BYTES);
        } catch (BoundedFile.Problem e) {
            throw new Problem("file " + file + " " + e.getMessage());
        }
        return parse(file.toString(), bytes, nowMillis);
    }

    /** Parses PEM text already read; {@code name} is used in messages. */
    public static Loaded parse(String name, byte[] bytes, long nowMillis) throws Problem {
        if (bytes.length > 0 && (bytes[0] & 0xFF) == 0x30) {
            throw new Problem("file " + name + " looks like a binary (DER) certificate, not PEM text; convert it "
                    + "with: openssl x509 -inform der -in " + name + " -out ca.pem");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // PEM is ASCII; never fails to decode
        String[] lines = text.split("\r?\n", -1);
        List<X509Certificate> certs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN)) {
                i++;
                continue;
            }
            int beginLine = i + 1;
            String label = label(line, BEGIN);
            if (label == null) {
                throw new Problem("file " + name + ", line " + beginLine + ": malformed PEM header '"
                        + abbreviate(line) + "' (expected -----BEGIN CERTIFICATE-----)");
            }
            StringBuilder b64 = new StringBuilder();
            int j = i + 1;
            boolean ended = false;
            for (; j < lines.length; j++) {
                String l = lines[j].strip();
                if (l.startsWith(END)) {
                    if (!label.equals(label(l, END))) {
                        throw new Problem("file " + name + ", line " + (j + 1) + ": '" + abbreviate(l)
                                + "' does not close the -----BEGIN " + label + "----- of line " + beginLine);
                    }
                    ended = true;
                    break;
                }
                if (l.startsWith(BEGIN)) {
                    break;
                }
                b64.append(l);
            }
            if (!ended) {
                throw new Problem("file " + name + ", line " + beginLine + ": -----BEGIN " + label
                        + "----- has no matching -----END " + label + "----- line");
            }
            i = j + 1;
            if (label.endsWith("PRIVATE KEY")) {
                warnings.add("file " + name + ", line " + beginLine + " holds a " + label + "; it is ignored, and a "
                        + "private key does not belong on the board: remove it from the file");
                continue;
            }
            if (!label.equals("CERTIFICATE") && !label.equals("TRUSTED CERTIFICATE")) {
                warnings.add("file " + name + ", line " + beginLine + ": a " + label + " block is ignored");
                continue;
            }
            if (label.equals("TRUSTED CERTIFICATE")) {
                throw new Problem("file " + name + ", line " + beginLine + ": OpenSSL's TRUSTED CERTIFICATE format "
                        + "is not supported; write the plain certificate with: openssl x509 -in FILE -out ca.pem");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(b64.toString().replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new Problem("file " + name + ", line " + beginLine + ": the certificate is not valid Base64 ("
                        + e.getMessage() + ")");
            }
            X509Certificate cert;
            try {
                cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException | ClassCastException e) {
                throw new Problem("file " + name + ", line " + beginLine + ": not a valid X.509 certificate ("
                        + rootMessage(e) + ")");
            }
            if (certs.size() == MAX_CERTIFICATES) {
                throw new Problem("file " + name + " holds more than " + MAX_CERTIFICATES + " certificates");
            }
            if (cert.getNotAfter().getTime() < nowMillis) {
                warnings.add("file " + name + ", line " + beginLine + ": certificate "
                        + cert.getSubjectX500Principal().getName() + " expired on "
                        + cert.getNotAfter().toInstant() + "; servers whose chain ends in it will be refused");
            }
            if (cert.getBasicConstraints() < 0 && !selfIssued(cert)) {
                warnings.add("file " + name + ", line " + beginLine + ": certificate "
                        + cert.getSubjectX500Principal().getName() + " is neither a CA nor self-signed; it is trusted "
                        + "as given, but usually the file should hold the CA that issued the server's certificate");
            }
            certs.add(cert);
        }
        if (certs.isEmpty()) {
            throw new Problem("file " + name + " holds no certificate; it must contain at least one "
                    + "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block");
        }
        return new Loaded(List.copyOf(certs), List.copyOf(warnings));
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** "CERTIFICATE" from "-----BEGIN CERTIFICATE-----"; null when the line is not shaped like that. */
    private static String label(String line, String prefix) {
        if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length() + 1) {
            return null;
        }
        String l = line.substring(prefix.length(), line.length() - DASHES.length());
        return l.isBlank() ? null : l;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : abbreviate(m);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
