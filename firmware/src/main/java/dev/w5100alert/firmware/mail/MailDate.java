package dev.w5100alert.firmware.mail;

import dev.w5100alert.firmware.codec.Ascii;

/**
 * RFC 5322 section 3.3 date-time ({@code Sun, 22 Nov 2026 20:49:41 +0000}) written as ASCII bytes from epoch
 * milliseconds, with the civil-from-days arithmetic done by hand so that no {@code java.time} object is
 * created on the hot path. Always exactly {@link #LENGTH} bytes.
 */
public final class MailDate {

    /** Length of every formatted date. */
    public static final int LENGTH = 31;

    private static final byte[] DAYS = "SunMonTueWedThuFriSat".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MONTHS =
            "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MailDate() {
    }

    /**
     * Writes the date of {@code epochMillis} shown in the zone {@code offsetMinutes} east of UTC.
     *
     * @return the end offset ({@code off + LENGTH})
     */
    public static int write(long epochMillis, int offsetMinutes, byte[] dst, int off) {
        if (offsetMinutes <= -24 * 60 || offsetMinutes >= 24 * 60) {
            throw new IllegalArgumentException("zone offset out of range: " + offsetMinutes);
        }
        long local = Math.floorDiv(epochMillis, 1000L) + offsetMinutes * 60L;
        long days = Math.floorDiv(local, 86_400L);
        int secs = (int) Math.floorMod(local, 86_400L);
        int weekday = (int) Math.floorMod(days + 4, 7L); // 1970-01-01 was a Thursday (Sun = 0)

        // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year out of range: " + year);
        }

        int p = off;
        System.arraycopy(DAYS, weekday * 3, dst, p, 3);
        p += 3;
        dst[p++] = ',';
        dst[p++] = ' ';
        p = Ascii.putLong(dst, p, day, 2);
        dst[p++] = ' ';
        System.arraycopy(MONTHS, (month - 1) * 3, dst, p, 3);
        p += 3;
        dst[p++] = ' ';
        p = Ascii.putLong(dst, p, year, 4);
        dst[p++] = ' ';
        p = Ascii.putLong(dst, p, secs / 3600, 2);
        dst[p++] = ':';
        p = Ascii.putLong(dst, p, secs / 60 % 60, 2);
        dst[p++] = ':';
        p = Ascii.putLong(dst, p, secs % 60, 2);
        dst[p++] = ' ';
        dst[p++] = (byte) (offsetMinutes < 0 ? '-' : '+');
        int abs = Math.abs(offsetMinutes);
        p = Ascii.putLong(dst, p, abs / 60, 2);
        p = Ascii.putLong(dst, p, abs % 60, 2);
        return p;
    }
}
