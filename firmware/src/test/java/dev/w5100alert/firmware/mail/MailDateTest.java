package dev.w5100alert.firmware.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MailDateTest {

    private static final DateTimeFormatter ORACLE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.ROOT);

    private static String format(long millis, int offset) {
        byte[] b = new byte[MailDate.LENGTH];
        assertEquals(MailDate.LENGTH, MailDate.write(millis, offset, b, 0));
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void writesTheRfc5322FormatOfTheExample() {
        assertEquals("Sun, 22 Nov 2026 20:49:41 +0000", format(1_795_380_581_000L, 0));
        assertEquals("Sun, 22 Nov 2026 21:49:41 +0100", format(1_795_380_581_000L, 60));
        assertEquals("Sun, 22 Nov 2026 15:19:41 -0530", format(1_795_380_581_000L, -330));
    }

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 77 + i * 31337);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithJavaTimeForRandomInstantsAndZones(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 500; i++) {
            long millis = (long) (r.nextDouble() * 253_402_300_799_000L); // 1970 .. 9999
            int offset = (r.nextInt(2 * 18 * 4 + 1) - 18 * 4) * 15;
            String expected = ORACLE.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.ofTotalSeconds(offset * 60)));
            assertEquals(expected, format(millis, offset), "seed " + seed + " millis " + millis + " offset " + offset);
        }
    }

    @Test
    void handlesLeapDaysAndCenturyRules() {
        assertEquals("Tue, 29 Feb 2000 12:00:00 +0000", format(951_825_600_000L, 0));
        assertEquals("Thu, 01 Jan 1970 00:00:00 +0000", format(0, 0));
        assertEquals("Wed, 31 Dec 1969 23:00:00 -0100", format(0, -60));
    }
}
