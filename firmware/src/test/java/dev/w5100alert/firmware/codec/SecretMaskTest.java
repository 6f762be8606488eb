package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SecretMaskTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String masked(SecretMask m, String text) {
        byte[] b = ascii(text);
        m.mask(b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void masksThePlainSecretEverywhereAndNothingElse() {
        SecretMask m = new SecretMask().add(ascii("hunter2"), true);
        assertEquals("a ******* b *******", masked(m, "a hunter2 b hunter2"));
        assertEquals("hunter hunter3", masked(m, "hunter hunter3"));
    }

    @Test
    void masksAnEncodedOnlyValueOnlyInBase64() {
        SecretMask m = new SecretMask().add(ascii("alert-user"), false);
        String b64 = Base64.getEncoder().encodeToString(ascii("alert-user"));
        assertEquals("user alert-user, ****************", masked(m, "user alert-user, " + b64));
    }

    @Test
    void masksTheWholeExactPayloadIncludingPadding() {
        SecretMask m = new SecretMask().add(ascii("\0u\0password12"), false);
        String b64 = Base64.getEncoder().encodeToString(ascii("\0u\0password12"));
        assertTrue(b64.endsWith("="), b64);
        assertEquals("x " + "*".repeat(b64.length()) + " y", masked(m, "x " + b64 + " y"));
    }

    @Test
    void leavesEmptyAndTooShortSecretsOutOfBase64() {
        SecretMask m = new SecretMask().add(new byte[0], true).add(ascii("ab"), false);
        assertTrue(m.isEmpty() || masked(m, "YWI= ab").equals("YWI= ab"));
    }

    static LongStream seeds() {
        return LongStream.range(0, 40).map(i -> 0xC0FFEEL + i * 104_729);
    }

    /**
     * Any secret of 4 bytes or more, embedded at any offset in a longer value that is then Base64-encoded (standard
     * or URL-safe), leaves no 4 consecutive secret bytes in any decoding of what remains.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void noFourBytesOfTheSecretSurviveInAnyBase64RunAfterMasking(long seed) {
        Random r = new Random(seed);
        for (int c = 0; c < 200; c++) {
            byte[] secret = new byte[4 + r.nextInt(40)];
            r.nextBytes(secret);
            SecretMask mask = new SecretMask().add(secret, true);
            byte[] prefix = new byte[r.nextInt(9)];
            byte[] suffix = new byte[r.nextInt(9)];
            r.nextBytes(prefix);
            r.nextBytes(suffix);
            byte[] raw = new byte[prefix.length + secret.length + suffix.length];
            System.arraycopy(prefix, 0, raw, 0, prefix.length);
            System.arraycopy(secret, 0, raw, prefix.length, secret.length);
            System.arraycopy(suffix, 0, raw, prefix.length + secret.length, suffix.length);
            boolean url = r.nextBoolean();
            String enc = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(raw);
            String text = masked(mask, "535 5.7.8 got " + enc + " bye");
            String leak = leak(text, secret, url);
            if (leak != null) {
                fail("seed " + seed + " case " + c + " (prefix " + prefix.length + ", secret " + secret.length
                        + ", url " + url + "): " + leak + " in " + text);
            }
        }
    }

    private static String leak(String text, byte[] secret, boolean url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(url ? "[A-Za-z0-9_-]{2,}" : "[A-Za-z0-9+/]{2,}")
                .matcher(text);
        while (m.find()) {
            String run = m.group();
            // Decoding from each of the 4 character offsets covers every sub-run: a sub-run starting 4k characters
            // later decodes to a contiguous part of the same bytes.
            for (int off = 0; off < 4 && off + 2 <= run.length(); off++) {
                if (containsFour(decodePartial(run.substring(off), url), secret)) {
                    return "run '" + run + "' decodes to 4 secret bytes";
                }
            }
        }
        return null;
    }

    /** Decodes as many whole bytes as {@code s} holds (no padding needed). */
    private static byte[] decodePartial(String s, boolean url) {
        int whole = s.length() / 4 * 4;
        int rest = s.length() - whole;
        String padded = rest == 0 ? s : rest == 1 ? s.substring(0, whole) : s + "==".substring(0, 4 - rest);
        try {
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(padded);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static boolean containsFour(byte[] hay, byte[] secret) {
        for (int i = 0; i + 4 <= hay.length; i++) {
            for (int j = 0; j + 4 <= secret.length; j++) {
                if (hay[i] == secret[j] && hay[i + 1] == secret[j + 1] && hay[i + 2] == secret[j + 2]
                        && hay[i + 3] == secret[j + 3]) {
                    return true;
                }
            }
        }
        return false;
    }
}
