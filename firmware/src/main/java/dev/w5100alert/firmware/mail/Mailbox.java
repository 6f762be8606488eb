package dev.w5100alert.firmware.mail;

/**
 * Mailbox syntax check for envelope and header addresses: {@code local@domain} (RFC 5321 section 4.1.2),
 * with a dot-atom local part of at most 64 bytes and a domain of LDH labels or an IPv4 address literal
 * ({@code [192.0.2.7]}), at most 254 bytes in all. Quoted local parts and IPv6 literals are refused: an
 * alert box has no need for them, and refusing is safer than half-supporting them.
 *
 * <p>{@link #problem} allocates nothing: it returns a constant describing the first fault, or null.
 */
public final class Mailbox {

    public static final int MAX_LENGTH = 254;

    private Mailbox() {
    }

    /** Throws {@link IllegalArgumentException} naming {@code what} and the fault if the address is bad. */
    public static void check(CharSequence address, String what) {
        String p = problem(address);
        if (p != null) {
            throw new IllegalArgumentException(what + " is not a valid mailbox: " + p);
        }
    }

    /** The first syntax fault of {@code a}, or null when it is a valid mailbox. */
    public static String problem(CharSequence a) {
        int n = a.length();
        if (n == 0) {
            return "empty";
        }
        if (n > MAX_LENGTH) {
            return "longer than 254 characters";
        }
        int at = -1;
        for (int i = 0; i < n; i++) {
            char c = a.charAt(i);
            if (c == '\r' || c == '\n') {
                return "contains CR or LF";
            }
            if (c == '@') {
                at = i; // the last '@' separates the domain
            }
        }
        if (at < 0) {
            return "no '@'";
        }
        if (at == 0) {
            return "empty local part";
        }
        if (at > 64) {
            return "local part longer than 64 characters";
        }
        char prev = '.';
        for (int i = 0; i < at; i++) {
            char c = a.charAt(i);
            if (c == '.') {
                if (prev == '.') {
                    return "local part has a leading or doubled dot";
                }
            } else if (!atext(c)) {
                return "local part has a character outside the dot-atom set";
            }
            prev = c;
        }
        if (prev == '.') {
            return "local part ends with a dot";
        }
        if (at == n - 1) {
            return "empty domain";
        }
        if (a.charAt(at + 1) == '[') {
            return addressLiteral(a, at + 2, n) ? null : "bad address literal (only [a.b.c.d] is accepted)";
        }
        int labelLength = 0;
        prev = '.';
        for (int i = at + 1; i < n; i++) {
            char c = a.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return "domain has an empty label";
                }
                if (prev == '-') {
                    return "domain label ends with '-'";
                }
                labelLength = 0;
            } else if (c == '-' || letterOrDigit(c)) {
                if (labelLength == 0 && c == '-') {
                    return "domain label starts with '-'";
                }
                labelLength++;
                if (labelLength > 63) {
                    return "domain label longer than 63 characters";
                }
            } else {
                return "domain has a character other than letters, digits, '-' and '.'";
            }
            prev = c;
        }
        if (labelLength == 0) {
            return "domain ends with a dot";
        }
        if (prev == '-') {
            return "domain label ends with '-'";
        }
        return null;
    }

    private static boolean addressLiteral(CharSequence a, int from, int n) {
        if (a.charAt(n - 1) != ']') {
            return false;
        }
        int parts = 0;
        int value = -1;
        for (int i = from; i < n - 1; i++) {
            char c = a.charAt(i);
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + c - '0';
                if (value > 255) {
                    return false;
                }
            } else if (c == '.' && value >= 0) {
                parts++;
                value = -1;
            } else {
                return false;
            }
        }
        return value >= 0 && parts == 3;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean atext(char c) {
        return letterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
    }
}
