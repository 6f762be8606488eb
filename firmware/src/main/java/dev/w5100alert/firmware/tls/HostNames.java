package dev.w5100alert.firmware.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * RFC 6125 identity checks for a mail server certificate, written here rather than borrowed from JSSE's "HTTPS"
 * endpoint identification so the rules are exactly these:
 * <ul>
 * <li>only subjectAltName entries count (no fall-back to the subject CN, RFC 6125 section 6.4.4 allows dropping it
 * and mail clients do);</li>
 * <li>a DNS name matches case-insensitively (ASCII), ignoring one trailing dot;</li>
 * <li>a wildcard is accepted only as the whole left-most label ({@code *.example.com}), matches exactly one
 * non-empty label, and never directly below a top-level label ({@code *.com} matches nothing); partial wildcards
 * such as {@code f*.example.com} match nothing;</li>
 * <li>an IP address (no name configured) matches only an iPAddress subjectAltName with the same four bytes.</li>
 * </ul>
 */
final class HostNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostNames() {
    }

    /** Lower-cased host name without trailing dot, or null when {@code name} is not an LDH host name. */
    static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return null;
        }
        n = n.toLowerCase(Locale.ROOT);
        int labelStart = 0;
        for (int i = 0; i <= n.length(); i++) {
            if (i == n.length() || n.charAt(i) == '.') {
                int len = i - labelStart;
                if (len < 1 || len > 63 || n.charAt(labelStart) == '-' || n.charAt(i - 1) == '-') {
                    return null;
                }
                labelStart = i + 1;
            } else {
                char c = n.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                    return null;
                }
            }
        }
        return n;
    }

    /** Whether the subjectAltName DNS pattern {@code pattern} matches {@code host} (already normalised). */
    static boolean matches(String pattern, String host) {
        String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
        p = p.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            String rest = p.substring(2);
            if (rest.indexOf('.') < 0 || rest.indexOf('*') >= 0) {
                return false; // "*.com" or a second wildcard: never
            }
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(rest);
        }
        return p.indexOf('*') < 0 && p.equals(host);
    }

    /** Whether the certificate carries {@code host} (normalised DNS name) as a dNSName subjectAltName. */
    static boolean certificateMatchesName(X509Certificate cert, String host) {
        for (String dns : names(cert, SAN_DNS)) {
            if (matches(dns, host)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the certificate carries {@code ipv4} as an iPAddress subjectAltName. */
    static boolean certificateMatchesIp(X509Certificate cert, int ipv4) {
        String want = ipv4Text(ipv4);
        for (String ip : names(cert, SAN_IP)) {
            if (ip.equals(want)) {
                return true;
            }
        }
        return false;
    }

    /** Names shown in a message at most; a certificate for hundreds of sites gets a count for the rest. */
    static final int MAX_NAMES_SHOWN = 8;

    /** The names a certificate carries, for messages: "DNS:a.example, IP:192.0.2.1" (or "no subjectAltName"). */
    static String describeNames(X509Certificate cert) {
        List<String> all = new ArrayList<>();
        for (String d : names(cert, SAN_DNS)) {
            all.add("DNS:" + d);
        }
        for (String ip : names(cert, SAN_IP)) {
            all.add("IP:" + ip);
        }
        if (all.isEmpty()) {
            return "no subjectAltName";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(all.size(), MAX_NAMES_SHOWN); i++) {
            s.append(i == 0 ? "" : ", ").append(all.get(i), 0, Math.min(all.get(i).length(), 80));
        }
        if (all.size() > MAX_NAMES_SHOWN) {
            s.append(" and ").append(all.size() - MAX_NAMES_SHOWN).append(" more");
        }
        return s.toString();
    }

    static List<String> names(X509Certificate cert, int type) {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return out; // an unparsable extension carries no name we could match
        }
        if (sans == null) {
            return out;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && san.get(0) instanceof Integer t && t == type && san.get(1) instanceof String v) {
                out.add(v);
            }
        }
        return out;
    }

    static String ipv4Text(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    /** Parses dotted-quad IPv4 text, or returns -1L when it is not one. */
    static long parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long ip = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return -1;
            }
            ip = ip << 8 | v;
        }
        return ip;
    }
}
