package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyParserTest {

    private static final String EHLO = "250-mail.example.org Hello\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n"
            + "250-AUTH LOGIN PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n";

    private final ReplyParser parser = new ReplyParser(512, 4096, 32);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private String line(int i) {
        return new String(parser.buffer(), parser.textStart(i), parser.textLength(i), StandardCharsets.US_ASCII);
    }

    @Test
    void decodesAMultiLineEhloReplyInOnePiece() {
        byte[] in = ascii(EHLO + "250 next");
        int used = parser.feed(in, 0, in.length);
        assertEquals(EHLO.length(), used, "stops at the end of the reply");
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(250, parser.code());
        assertEquals(6, parser.lineCount());
        assertEquals("mail.example.org Hello", line(0));
        assertEquals("AUTH LOGIN PLAIN", line(3));
        assertEquals("PIPELINING", line(5));
    }

    @Test
    void decodesTheSameReplyFedOneByteAtATime() {
        byte[] in = ascii(EHLO);
        for (int i = 0; i < in.length; i++) {
            assertEquals(ReplyParser.Status.INCOMPLETE, parser.status(), "before byte " + i);
            assertEquals(1, parser.feed(in, i, 1));
        }
        assertEquals(ReplyParser.Status.COMPLETE, parser.status());
        assertEquals(6, parser.lineCount());
        assertEquals("SIZE 35882577", line(1));
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
        while (pos < in.length) {
            int piece = 1 + r.nextInt(Math.min(40, in.length - pos));
            int end = pos + piece;
            while (pos < end) {
                pos += parser.feed(in, pos, end - pos);
                if (parser.status() == ReplyParser.Status.COMPLETE) {
                    replies++;
                    if (replies == 1) {
                        assertEquals(250, parser.code(), "seed " + seed);
                        assertEquals(6, parser.lineCount(), "seed " + seed);
                        assertEquals("AUTH LOGIN PLAIN", line(3), "seed " + seed);
                    } else {
                        assertEquals(550, parser.code(), "seed " + seed);
                        assertEquals(2, parser.lineCount(), "seed " + seed);
                        assertTrue(parser.hasEnhancedCode(), "seed " + seed);
                        assertEquals(1, parser.enhancedSubject(), "seed " + seed);
                        assertEquals("5.1.1 really", line(1), "seed " + seed);
                    }
                    parser.reset();
                }
                assertFalse(parser.status() == ReplyParser.Status.ERROR, "seed " + seed);
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
        assertEquals(0, parser.textLength(0));
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
        parser.feed(in, 0, in.length);
        assertEquals(ReplyParser.Status.ERROR, parser.status(), garbage);
        assertEquals(ReplyParser.Error.MALFORMED, parser.error());
    }

    @Test
    void failsCleanlyOnAnOverlongLine() {
        byte[] in = new byte[100_000];
        java.util.Arrays.fill(in, (byte) 'A');
        in[0] = '2';
        in[1] = '5';
        in[2] = '0';
        in[3] = ' ';
        int used = parser.feed(in, 0, in.length);
        assertEquals(ReplyParser.Status.ERROR, parser.status());
        assertEquals(ReplyParser.Error.LINE_TOO_LONG, parser.error());
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
        assertEquals(506, parser.textLength(0));
    }

    @Test
    void failsCleanlyOnEndlessContinuationLines() {
        byte[] line = ascii("250-still going\r\n");
        int fed = 0;
        while (parser.status() == ReplyParser.Status.INCOMPLETE && fed < 10_000) {
            parser.feed(line, 0, line.length);
            fed++;
        }
        assertEquals(ReplyParser.Status.ERROR, parser.status());
        assertEquals(ReplyParser.Error.TOO_MANY_LINES, parser.error());
        assertEquals(32, fed);
    }

    @Test
    void failsCleanlyWhenTheWholeReplyExceedsItsBound() {
        ReplyParser small = new ReplyParser(512, 600, 100);
        byte[] line = ascii("250-0123456789012345678901234567890123456789\r\n");
        int fed = 0;
        while (small.status() == ReplyParser.Status.INCOMPLETE && fed < 10_000) {
            small.feed(line, 0, line.length);
            fed++;
        }
        assertEquals(ReplyParser.Error.REPLY_TOO_LONG, small.error());
        assertTrue(fed * line.length >= 600 && fed * line.length < 700, "fed " + fed);
    }
}
