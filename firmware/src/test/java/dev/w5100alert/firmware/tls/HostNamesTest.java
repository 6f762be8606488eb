package dev.w5100alert.firmware.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6125 name matching as the TLS link applies it (subjectAltName dNSName patterns against the server name). */
class HostNamesTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        "mail.example.com, mail.example.com, true",
        "MAIL.Example.COM., mail.example.com, true",
        "*.example.com, mail.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "*.com, example.com, false",
        "m*.example.com, mail.example.com, false",
        "*mail.example.com, mail.example.com, false",
        "*.*.example.com, a.b.example.com, false",
        "mail.example.com, mail.example.com.evil.test, false",
        "mail.example.co, mail.example.com, false"})
    void wildcardOnlyAsTheWholeLeftMostLabel(String pattern, String host, boolean expected) {
        assertEquals(expected, HostNames.matches(pattern, HostNames.normalise(host)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a..b", "-a.example", "a-.example", "a_b.example", "exa mple.com", "ex*.com"})
    void badHostNamesAreRefused(String name) {
        assertNull(HostNames.normalise(name));
        assertNull(HostNames.normalise("x".repeat(64) + ".example"), "label over 63 characters");
    }

    static long[] seeds() {
        int n = Integer.getInteger("hostnames.seeds", 200);
        long[] s = new long[n];
        Random r = new Random(20261201L);
        for (int i = 0; i < n; i++) {
            s[i] = r.nextLong();
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomNamesMatchThemselvesTheirWildcardAndNothingNearby(long seed) {
        Random r = new Random(seed);
        int labels = 2 + r.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < labels; i++) {
            int len = 1 + r.nextInt(12);
            if (i > 0) {
                b.append('.');
            }
            for (int j = 0; j < len; j++) {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        String host = b.toString();
        String rest = host.substring(host.indexOf('.') + 1);
        String msg = "seed " + seed + ", host " + host;
        assertEquals(host, HostNames.normalise(host.toUpperCase()), msg);
        assertTrue(HostNames.matches(host, host), msg);
        assertEquals(rest.indexOf('.') > 0, HostNames.matches("*." + rest, host), msg);
        assertFalse(HostNames.matches("*." + host, host), msg);
        assertFalse(HostNames.matches("*." + rest, "x." + host), msg);
        int at = r.nextInt(host.length());
        char c = host.charAt(at);
        if (c != '.') {
            String other = host.substring(0, at) + (char) (c == 'z' ? 'a' : c + 1) + host.substring(at + 1);
            assertFalse(HostNames.matches(host, other), msg + " vs " + other);
        }
    }
}
