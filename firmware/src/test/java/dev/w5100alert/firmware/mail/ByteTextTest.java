package dev.w5100alert.firmware.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ByteTextTest {

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 11 + i * 2_147_483_647L);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void encodesLikeStringGetBytesUtf8(long seed) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(200); i > 0; i--) {
            int kind = r.nextInt(4);
            int cp = kind == 0 ? r.nextInt(0x80) : kind == 1 ? 0x80 + r.nextInt(0x780)
                    : kind == 2 ? 0x800 + r.nextInt(0xD000 - 0x800) : 0x10000 + r.nextInt(0x100000);
            s.appendCodePoint(cp);
        }
        ByteText t = new ByteText(1024).append(s);
        assertArrayEquals(s.toString().getBytes(StandardCharsets.UTF_8), Arrays.copyOf(t.bytes(), t.byteLength()),
                "seed " + seed);
    }

    @Test
    void appendsCharsAsTextAndNumbersAsDigits() {
        ByteText t = new ByteText(32).append('a').append('\n').append('ü').append(42L).append(-7);
        assertEquals("a\nü42-7", t.toString());
    }

    @Test
    void copiesAnotherByteTextWithoutReencoding() {
        ByteText a = new ByteText(16).append("Tür");
        CharSequence asSequence = a;
        assertEquals("Tür / Tür", new ByteText(32).append(a).append(" / ").append(asSequence).toString());
    }
}
