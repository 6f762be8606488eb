package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyParserTest {

    private static final String EHLO = "250-mail.example.org Hello\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n"
            + "250-AUTH LOGIN PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n";

    private final ReplyParser parser = new ReplyParser(512);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private String text() {
        return new String(parser.buffer(), parser.textStart(), parser.textLength(), StandardCharsets.US_ASCII);
    }

    /** Feeds {@code in} from {@code pos} until the reply completes or fails, collecting each line's text. */
    private int readReply(byte[] in, int pos, List<String> lines) {
        while (pos < in.length) {
            pos += parser.feed(in, pos, in.length - pos);
            ReplyParser.Status s = parser.status();
            if (s == ReplyParser.Status.LINE || s == ReplyParser.Status.COMPLETE) {
                assertEquals(lines.size(), parser.lineNumber());
                lines.add(text());
            }
            if (s == ReplyParser.Status.COMPLETE || s == ReplyParser.Status.ERROR) {
                break;
            }
        }
        return pos;
    }

    @Test
    void decodesAMultiLineEhloReplyLineByLine() {
        byte[] in = ascii(EHLO + "250 next");
        List<String> lines = new ArrayList<>();
        int used = readReply(in, 0, lines);
        assertEquals(EHLO.length(), used, "stops at the end of the reply");
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(250, parser.code());
        assertEquals(List.of("mail.example.org Hello", "SIZE 35882577", "8BITMIME", "AUTH LOGIN PLAIN",
                "ENHANCEDSTATUSCODES", "PIPELINING"), lines);
    }

    @Test
    void stopsAfterEachLineSoTheCallerCanReadIt() {
        byte[] in = ascii("250-first\r\n250 second\r\n");
        int used = parser.feed(in, 0, in.length);
        assertEquals("250-first\r\n".length(), used);
        assertEquals(ReplyParser.Status.LINE, parser.status());
        assertEquals("first", text());
        assertEquals(250, parser.code(), "the code is known from the first line");
        parser.feed(in, used, in.length - used);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals("second", text());
        assertEquals(1, parser.lineNumber());
    }

    @Test
    void decodesTheSameReplyFedOneByteAtATime() {
        byte[] in = ascii(EHLO);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            assertEquals(1, parser.feed(in, i, 1), "byte " + i);
            if (parser.status() == ReplyParser.Status.LINE || parser.status() == ReplyParser.Status.COMPLETE) {
                lines.add(text());
            }
            assertEquals(i == in.length - 1, parser.status() == ReplyParser.Status.COMPLETE, "byte " + i);
        }
        assertEquals(6, lines.size());
        assertEquals("SIZE 35882577", lines.get(1));
    }

    @Test
    void readsAReplyOfAnyNumberOfLinesInOneLineOfMemory() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            s.append("250-X-CAPABILITY-").append(i).append(" ").append("v".repeat(400)).append("\r\n");
        }
        s.append("250 HELP\r\n");
        byte[] in = ascii(s.toString());
        assertTrue(in.length > 2_000_000);
        List<String> lines = new ArrayList<>();
        int used = readReply(in, 0, lines);
        assertEquals(in.length, used);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(5001, lines.size());
        assertEquals("HELP", lines.get(5000));
        assertEquals(510, parser.buffer().length, "the parser's whole buffer is one line");
    }

    static LongStream seeds() {
        return LongStream.range(0, 30).map(i -> 1000 + i * 7919);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void decodesAnyRandomSplitOfTwoRepliesIdentically(long seed) {
        Random r = new Random(seed);
        byte[] in = ascii(EHLO + "550-5.1.1 no such user\r\n550 5.1.1 really\r\n");
        int pos = 0;
        int replies = 0;
        List<String> lines = new ArrayList<>();
        while (pos < in.length) {
            int piece = 1 + r.nextInt(Math.min(40, in.length - pos));
            int end = pos + piece;
            while (pos < end) {
                pos += parser.feed(in, pos, end - pos);
                ReplyParser.Status s = parser.status();
                if (s == ReplyParser.Status.LINE || s == ReplyParser.Status.COMPLETE) {
                    lines.add(text());
                }
                if (s == ReplyParser.Status.COMPLETE) {
                    replies++;
                    if (replies == 1) {
                        assertEquals(250, parser.code(), "seed " + seed);
                        assertEquals(6, lines.size(), "seed " + seed);
                        assertEquals("AUTH LOGIN PLAIN", lines.get(3), "seed " + seed);
                    } else {
                        assertEquals(550, parser.code(), "seed " + seed);
                        assertEquals(List.of("5.1.1 no such user", "5.1.1 really"), lines, "seed " + seed);
                        assertTrue(parser.hasEnhancedCode(), "seed " + seed);
                        assertEquals(1, parser.enhancedSubject(), "seed " + seed);
                    }
                    lines.clear();
                    parser.reset();
                }
                assertFalse(s == ReplyParser.Status.ERROR, "seed " + seed);
            }
        }
        assertEquals(2, replies, "seed " + seed);
    }

    @Test
    void acceptsABareCodeAndBareLineFeeds() {
        byte[] in = ascii("354\n");
        parser.feed(in, 0, in.length);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(354, parser.code());
        assertEquals(0, parser.textLength());
    }

    @Test
    void readsEnhancedStatusCodes() {
        byte[] in = ascii("535 5.7.8 Authentication credentials invalid\r\n");
        parser.feed(in, 0, in.length);
        assertTrue(parser.hasEnhancedCode());
        assertEquals(5, parser.enhancedClass());
        assertEquals(7, parser.enhancedSubject());
        assertEquals(8, parser.enhancedDetail());
    }

    @Test
    void takesTheEnhancedCodeFromTheFirstLine() {
        byte[] in = ascii("550-5.1.1 first\r\n550 5.7.1 second\r\n");
        int p = parser.feed(in, 0, in.length);
        parser.feed(in, p, in.length - p);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(1, parser.enhancedSubject());
        assertEquals(1, parser.enhancedDetail());
    }

    @Test
    void ignoresAnEnhancedCodeWhoseClassDiffersFromTheReply() {
        byte[] in = ascii("250 5.1.1 odd\r\n");
        parser.feed(in, 0, in.length);
        assertFalse(parser.hasEnhancedCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 400 Bad Request\r\n", "25\r\n", "250x hello\r\n", "\r\n",
            "250-a\r\n251 b\r\n", "650 no\r\n", "2a0 no\r\n"})
    void rejectsGarbageAsMalformed(String garbage) {
        byte[] in = ascii(garbage);
        int p = 0;
        while (p < in.length && parser.status() != ReplyParser.Status.ERROR) {
            p += parser.feed(in, p, in.length - p);
        }
        assertEquals(ReplyParser.Status.ERROR, parser.status(), garbage);
        assertEquals(ReplyParser.Error.MALFORMED, parser.error());
        assertFalse(parser.errorText().isEmpty());
        assertEquals(0, parser.feed(in, 0, in.length), "consumes nothing more until reset");
    }

    @Test
    void failsCleanlyOnAnOverlongLineAndSaysWhichBound() {
        byte[] in = new byte[100_000];
        java.util.Arrays.fill(in, (byte) 'A');
        in[0] = '2';
        in[1] = '5';
        in[2] = '0';
        in[3] = ' ';
        int used = parser.feed(in, 0, in.length);
        assertEquals(ReplyParser.Status.ERROR, parser.status());
        assertEquals(ReplyParser.Error.LINE_TOO_LONG, parser.error());
        assertEquals("reply line over 512 bytes", parser.errorText());
        assertTrue(used <= 512, "stopped after the line bound, consumed " + used);
    }

    @Test
    void acceptsALineOfExactly512BytesWithItsCrlf() {
        StringBuilder s = new StringBuilder("250 ");
        while (s.length() < 510) {
            s.append('x');
        }
        byte[] in = ascii(s + "\r\n");
        parser.feed(in, 0, in.length);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(506, parser.textLength());
        parser.reset();
        byte[] longer = ascii(s + "x\r\n");
        parser.feed(longer, 0, longer.length);
        assertEquals(ReplyParser.Error.LINE_TOO_LONG, parser.error());
    }

    @Test
    void appliesTheLineBoundToEveryLineNotToTheReply() {
        String line = "250-" + "y".repeat(506) + "\r\n"; // 512 bytes each
        byte[] in = ascii(line.repeat(300) + "250 end\r\n");
        List<String> lines = new ArrayList<>();
        readReply(in, 0, lines);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(301, lines.size());
    }

    @Test
    void resetStartsANewReplyAfterAnError() {
        byte[] bad = ascii("xyz\r\n");
        parser.feed(bad, 0, bad.length);
        assertEquals(ReplyParser.Status.ERROR, parser.status());
        parser.reset();
        assertEquals("", parser.errorText());
        byte[] good = ascii("220 ok\r\n");
        parser.feed(good, 0, good.length);
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(220, parser.code());
    }
}
