package dev.w5100alert.firmware.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Base64Test {

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(value = {"'',''", "f,Zg==", "fo,Zm8=", "foo,Zm9v", "foob,Zm9vYg==", "fooba,Zm9vYmE=",
            "foobar,Zm9vYmFy"})
    void encodesAndDecodesTheRfc4648TestVectors(String plain, String encoded) {
        byte[] in = plain.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[Base64.encodedLength(in.length) + 3];
        int n = Base64.encode(in, 0, in.length, out, 3);
        assertEquals(encoded, new String(out, 3, n, StandardCharsets.US_ASCII));

        byte[] enc = encoded.getBytes(StandardCharsets.US_ASCII);
        byte[] dec = new byte[Base64.maxDecodedLength(enc.length)];
        int m = Base64.decode(enc, 0, enc.length, dec, 0);
        assertEquals(plain, new String(dec, 0, m, StandardCharsets.US_ASCII));
    }

    static LongStream seeds() {
        return LongStream.range(1, 41).map(i -> i * 0x9E3779B97F4A7C15L);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesJavaUtilBase64OnRandomInput(long seed) {
        Random r = new Random(seed);
        for (int round = 0; round < 50; round++) {
            byte[] in = new byte[r.nextInt(300)];
            r.nextBytes(in);
            int off = r.nextInt(5);
            byte[] padded = new byte[in.length + off];
            System.arraycopy(in, 0, padded, off, in.length);
            byte[] out = new byte[Base64.encodedLength(in.length)];
            int n = Base64.encode(padded, off, in.length, out, 0);
            byte[] expected = java.util.Base64.getEncoder().encode(in);
            assertArrayEquals(expected, Arrays.copyOf(out, n), "seed " + seed + " round " + round);

            byte[] dec = new byte[Base64.maxDecodedLength(n)];
            int m = Base64.decode(out, 0, n, dec, 0);
            assertArrayEquals(in, Arrays.copyOf(dec, m), "seed " + seed + " round " + round);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Zg=", "Zg", "Z===", "Zm9v!A==", "Zm=v", "Zh==", "Zm9=", "=AAA", "Zm 9"})
    void rejectsMalformedInput(String bad) {
        byte[] in = bad.getBytes(StandardCharsets.US_ASCII);
        assertEquals(Base64.INVALID, Base64.decode(in, 0, in.length, new byte[16], 0), bad);
    }

    @Test
    void refusesADestinationThatIsTooSmallBeforeWriting() {
        byte[] dst = new byte[3];
        assertThrows(IndexOutOfBoundsException.class, () -> Base64.encode(new byte[2], 0, 2, dst, 0));
        assertArrayEquals(new byte[3], dst);
    }
}
