package dev.w5100alert.sim.lan;

/** What an {@link NtpServer} does wrong, for one request or all of them. */
public enum NtpFault {
    /** Answers correctly. */
    NONE,
    /** Kiss-o'-death: stratum 0, reference id "RATE" (leap indicator 0, so only the stratum tells). */
    KISS_OF_DEATH,
    /** Leap indicator 3 (clock not synchronised), otherwise a correct answer. */
    LEAP_UNSYNCHRONISED,
    /** No reply at all. */
    SILENT,
    /** The originate timestamp is not the request's transmit timestamp (off by one second). */
    WRONG_ORIGINATE,
    /** The transmit timestamp is zero. */
    ZERO_TRANSMIT;

    /** The net-file spelling: lower case, {@code -} for {@code _} (e.g. {@code kiss-of-death}). */
    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #fileName()}. */
    public static NtpFault fromFileName(String s) {
        for (NtpFault f : values()) {
            if (f.fileName().equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown NTP fault '" + s + "' (one of "
                + java.util.Arrays.stream(values()).map(NtpFault::fileName).toList() + ")");
    }
}
