package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link ReplyParser}: random bytes, mutated valid replies and runs of valid replies, each fed in
 * pieces split at random points, against a reference decoder written the plain way (whole input, one pass). For
 * every input: {@code feed} never throws, always makes progress (no hang), never holds a line over its bound,
 * and reports exactly the reference's lines, codes and errors.
 *
 * <p>The suite runs a CI-sized slice. The long run is a documented command (see docs/smtp.md):
 * <pre>
 * mvn -B -pl firmware -am verify -Dtest=ReplyParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfuzz.replyParser.count=1000000 [-Dfuzz.replyParser.seed=N]
 * </pre>
 * A failure names the seed of the input; {@code -Dfuzz.replyParser.seed=SEED -Dfuzz.replyParser.count=1} replays it.
 */
class ReplyParserFuzzTest {

    private static final int COUNT = Integer.getInteger("fuzz.replyParser.count", 20_000);
    private static final long SEED = Long.getLong("fuzz.replyParser.seed", 0x5EED_2026L);
    private static final int[] LINE_BOUNDS = {6, 16, 80, 512};
    private static final byte[] SPECIAL = ascii("\r\n- 0123456789 5.1.1");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void survivesSeededRandomAndMutatedRepliesSplitAtRandomPoints() {
        ReplyParser[] parsers = new ReplyParser[LINE_BOUNDS.length];
        for (int i = 0; i < parsers.length; i++) {
            parsers[i] = new ReplyParser(LINE_BOUNDS[i]);
        }
        long lines = 0;
        long errors = 0;
        long bytes = 0;
        for (int i = 0; i < COUNT; i++) {
            long seed = SEED + i;
            Random r = new Random(seed);
            int bound = LINE_BOUNDS[r.nextInt(LINE_BOUNDS.length)];
            ReplyParser parser = parsers[indexOf(bound)];
            parser.reset();
            byte[] in = input(r, bound);
            bytes += in.length;
            String expected = reference(in, bound);
            String actual;
            try {
                actual = incremental(parser, in, bound, r);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": feed threw " + e, e);
            }
            if (!expected.equals(actual)) {
                fail("seed " + seed + " (line bound " + bound + "): parser and reference differ\nexpected "
                        + expected + "\nactual   " + actual);
            }
            lines += count(actual, "\nL") + count(actual, "\nC");
            errors += count(actual, "\nE");
        }
        System.out.println("[fuzz] ReplyParser: " + COUNT + " inputs from seed " + SEED + ", " + bytes + " bytes, "
                + lines + " lines, " + errors + " errors, 0 exceptions");
        assertTrue(COUNT < 1000 || (lines > COUNT && errors > COUNT / 10), "the inputs reach both lines and errors");
    }

    private static int indexOf(int bound) {
        for (int i = 0; i < LINE_BOUNDS.length; i++) {
            if (LINE_BOUNDS[i] == bound) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int p = s.indexOf(what); p >= 0; p = s.indexOf(what, p + 1)) {
            n++;
        }
        return n;
    }

    /** One of: random bytes, a mutated run of valid replies, or valid replies as they are. */
    static byte[] input(Random r, int bound) {
        int kind = r.nextInt(10);
        if (kind < 3) {
            byte[] b = new byte[r.nextInt(700)];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (byte) r.nextInt(256);
            }
            return b;
        }
        StringBuilder s = new StringBuilder();
        int replies = 1 + r.nextInt(3);
        for (int k = 0; k < replies; k++) {
            validReply(r, bound, s);
        }
        byte[] b = ascii(s.toString());
        if (kind < 9) {
            int mutations = 1 + r.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                b = mutate(r, b);
            }
        }
        return b;
    }

    private static void validReply(Random r, int bound, StringBuilder s) {
        int code = (2 + r.nextInt(4)) * 100 + r.nextInt(6) * 10 + r.nextInt(10);
        int lines = r.nextInt(8) == 0 ? 20 + r.nextInt(200) : 1 + r.nextInt(6);
        for (int i = 0; i < lines; i++) {
            s.append(code);
            boolean last = i == lines - 1;
            int room = Math.max(0, bound - 2 - 4);
            int len = r.nextInt(6) == 0 ? room : r.nextInt(Math.min(room, 60) + 1);
            if (last && len == 0 && r.nextBoolean()) {
                s.append(r.nextBoolean() ? "\r\n" : "\n"); // bare code
                continue;
            }
            s.append(last ? ' ' : '-');
            if (i == 0 && r.nextInt(3) == 0 && len >= 6) {
                s.append(code / 100).append('.').append(r.nextInt(8)).append('.').append(r.nextInt(30)).append(' ');
                len -= 6;
            }
            for (int c = 0; c < len; c++) {
                s.append((char) (0x20 + r.nextInt(0x5F)));
            }
            s.append(r.nextInt(10) == 0 ? "\n" : "\r\n");
        }
    }

    private static byte[] mutate(Random r, byte[] b) {
        if (b.length == 0) {
            return new byte[] {SPECIAL[r.nextInt(SPECIAL.length)]};
        }
        int at = r.nextInt(b.length);
        switch (r.nextInt(6)) {
            case 0 -> {
                b = b.clone();
                b[at] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {
                b = b.clone();
                b[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                return b;
            }
            case 2 -> {
                byte[] o = new byte[b.length + 1];
                System.arraycopy(b, 0, o, 0, at);
                o[at] = r.nextBoolean() ? SPECIAL[r.nextInt(SPECIAL.length)] : (byte) r.nextInt(256);
                System.arraycopy(b, at, o, at + 1, b.length - at);
                return o;
            }
            case 3 -> {
                byte[] o = new byte[b.length - 1];
                System.arraycopy(b, 0, o, 0, at);
                System.arraycopy(b, at + 1, o, at, b.length - at - 1);
                return o;
            }
            case 4 -> {
                return java.util.Arrays.copyOf(b, at); // truncated
            }
            default -> {
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                byte[] o = new byte[b.length + len];
                System.arraycopy(b, 0, o, 0, at + len);
                System.arraycopy(b, at, o, at + len, b.length - at);
                return o; // a duplicated piece
            }
        }
    }

    /** The plain decoder: what the parser must report, as one event per line ending in a newline. */
    static String reference(byte[] in, int bound) {
        StringBuilder ev = new StringBuilder();
        StringBuilder cur = new StringBuilder();
        int lineNo = 0;
        int code = 0;
        for (byte x : in) {
            if (x == '\n') {
                String l = cur.toString();
                cur.setLength(0);
                if (l.isEmpty()) {
                    return ev.append("\nE MALFORMED").toString();
                }
                if (l.length() < 3 || !digit(l.charAt(0)) || !digit(l.charAt(1)) || !digit(l.charAt(2))
                        || l.charAt(0) < '1' || l.charAt(0) > '5' || l.charAt(1) > '5') {
                    return ev.append("\nE MALFORMED").toString();
                }
                int lc = Integer.parseInt(l.substring(0, 3));
                char sep = l.length() > 3 ? l.charAt(3) : ' ';
                if (sep != ' ' && sep != '-') {
                    return ev.append("\nE MALFORMED").toString();
                }
                if (lineNo == 0) {
                    code = lc;
                } else if (lc != code) {
                    return ev.append("\nE MALFORMED").toString();
                }
                ev.append(sep == ' ' ? "\nC " : "\nL ").append(lineNo).append(' ').append(code).append(' ').append(l);
                if (sep == ' ') {
                    lineNo = 0;
                } else {
                    lineNo++;
                }
            } else if (x != '\r') {
                if (cur.length() + 2 >= bound) {
                    return ev.append("\nE LINE_TOO_LONG").toString();
                }
                cur.append((char) (x & 0xFF));
            }
        }
        return ev.toString();
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Feeds {@code in} in random pieces, checking the parser's contract at every step. */
    static String incremental(ReplyParser p, byte[] in, int bound, Random r) {
        StringBuilder ev = new StringBuilder();
        int pos = 0;
        long calls = 0;
        long maxCalls = 4L * in.length + 16;
        while (pos < in.length) {
            int pieceEnd = pos + 1 + r.nextInt(Math.min(in.length - pos, r.nextBoolean() ? 3 : 96));
            while (pos < pieceEnd) {
                if (++calls > maxCalls) {
                    fail("no progress after " + calls + " feed calls at byte " + pos);
                }
                int n = p.feed(in, pos, pieceEnd - pos);
                if (n < 0 || n > pieceEnd - pos) {
                    fail("feed consumed " + n + " of " + (pieceEnd - pos));
                }
                pos += n;
                ReplyParser.Status s = p.status();
                if (s == ReplyParser.Status.LINE || s == ReplyParser.Status.COMPLETE) {
                    if (n == 0) {
                        fail("a line ended without consuming a byte");
                    }
                    int len = p.lineLength();
                    assertTrue(len <= bound - 2 && len <= p.buffer().length, "line of " + len + " over bound " + bound);
                    assertEquals(Math.max(0, len - 4), p.textLength());
                    assertTrue(p.code() >= 100 && p.code() <= 559, "code " + p.code());
                    ev.append(s == ReplyParser.Status.COMPLETE ? "\nC " : "\nL ").append(p.lineNumber()).append(' ')
                            .append(p.code()).append(' ')
                            .append(new String(p.buffer(), 0, len, StandardCharsets.ISO_8859_1));
                    if (s == ReplyParser.Status.COMPLETE) {
                        p.reset();
                    }
                } else if (s == ReplyParser.Status.ERROR) {
                    assertTrue(!p.errorText().isEmpty(), "an error says what it is");
                    assertEquals(0, p.feed(in, pos, in.length - pos), "nothing consumed after an error");
                    return ev.append("\nE ").append(p.error()).toString();
                } else if (pos != pieceEnd) {
                    fail("INCOMPLETE after consuming " + n + " of " + (pieceEnd - pos + n) + " bytes");
                }
            }
        }
        return ev.toString();
    }
}
