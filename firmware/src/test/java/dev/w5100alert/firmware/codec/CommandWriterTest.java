package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CommandWriterTest {

    private final CommandWriter w = new CommandWriter();

    private String written() {
        return new String(w.buffer(), 0, w.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void writesExactCommandBytesWithOneCrlf() {
        w.begin().append("MAIL FROM:<a@b.example>").append(" SIZE=").append(1234L).end();
        assertEquals("MAIL FROM:<a@b.example> SIZE=1234\r\n", written());
    }

    @Test
    void refusesCrOrLfInAnArgumentAndLeavesNothingToSend() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.begin().append("RCPT TO:<a@b>\r\nRCPT TO:<evil@x>"));
        assertTrue(e.getMessage().contains("CR or LF"));
        assertEquals(0, w.length());
        byte[] lf = "x\ny".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> w.begin().append(lf, 0, lf.length));
        assertEquals(0, w.length());
    }

    @Test
    void refusesACommandLongerThan512BytesWithItsCrlf() {
        String ok = "X".repeat(510);
        assertEquals(512, w.begin().append(ok).end());
        assertThrows(IllegalArgumentException.class, () -> w.begin().append(ok).append("Y"));
        assertEquals(0, w.length());
    }

    private static String stuff(String in, int chunk) {
        DataStuffer s = new DataStuffer();
        byte[] src = in.getBytes(StandardCharsets.ISO_8859_1);
        byte[] dst = new byte[src.length * 2 + 5];
        int d = 0;
        while (s.consumed() < src.length) {
            d = s.stuff(src, 0, src.length, dst, d, Math.min(dst.length, d + chunk));
        }
        d = s.finish(dst, d);
        return new String(dst, 0, d, StandardCharsets.ISO_8859_1);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> stuffingCases() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("", ".\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("hello", "hello\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("hello\r\n", "hello\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of(".", "..\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("a\n.\nb", "a\r\n..\r\nb\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("a\r.b\r\n..c", "a\r\n..b\r\n...c\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("x.y\n\n", "x.y\r\n\r\n.\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("a\r\n\r\nb", "a\r\n\r\nb\r\n.\r\n"));
    }

    @ParameterizedTest
    @MethodSource("stuffingCases")
    void normalisesLineEndsDotStuffsAndTerminates(String in, String expected) {
        assertEquals(expected, stuff(in, 1 << 20));
    }

    static LongStream seeds() {
        return LongStream.range(0, 25).map(i -> 42 + i * 104729);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void producesTheSameBytesWhateverTheDestinationChunkSize(long seed) {
        Random r = new Random(seed);
        char[] alphabet = {'a', '.', '\r', '\n', ' ', 'z'};
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(400); i > 0; i--) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        String in = sb.toString();
        String whole = stuff(in, 1 << 20);
        assertEquals(whole, stuff(in, 2 + r.nextInt(7)), "seed " + seed);
        // Oracle: normalise, then stuff line by line.
        String norm = in.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder exp = new StringBuilder();
        String[] lines = norm.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) {
                break;
            }
            exp.append(lines[i].startsWith(".") ? "." : "").append(lines[i]).append("\r\n");
        }
        exp.append(".\r\n");
        assertEquals(exp.toString(), whole, "seed " + seed);
    }
}
