package dev.w5100alert.sim.lan;

import java.util.function.LongSupplier;

/**
 * Configuration of one SNTP server on the virtual LAN (RFC 4330, server side), filled in through
 * {@code VirtualNetwork.builder().ntpServer(address, t -> t.offsetMillis(...))} or an {@code ntp} line
 * of the net file. Its time is the wall clock it is given (default {@link System#currentTimeMillis()})
 * plus an offset. Defaults: offset 0, stratum 2, replies 1 ms after the request.
 */
public final class NtpServerSpec {
    final int address;
    LongSupplier wallClock = System::currentTimeMillis;
    long offsetMillis;
    int stratum = 2;
    long replyDelayNanos = 1_000_000L;
    NtpFault fault = NtpFault.NONE;

    /** Used by the network builder. */
    public NtpServerSpec(String address) {
        this.address = Ip.parse(address);
    }

    /** Epoch milliseconds the server believes (before the offset); e.g. a test's virtual wall clock. */
    public NtpServerSpec wallClock(LongSupplier epochMillis) {
        if (epochMillis == null) {
            throw new IllegalArgumentException("wall clock is required");
        }
        wallClock = epochMillis;
        return this;
    }

    /** Added to the wall clock in every answer (may be negative). */
    public NtpServerSpec offsetMillis(long millis) {
        offsetMillis = millis;
        return this;
    }

    /** Stratum of good answers, 1..15 (default 2). */
    public NtpServerSpec stratum(int s) {
        if (s < 1 || s > 15) {
            throw new IllegalArgumentException("stratum must be 1..15, got " + s);
        }
        stratum = s;
        return this;
    }

    /** Virtual time between a request and its answer (default 1 ms). */
    public NtpServerSpec replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    /** The fault applied to every request from the start ({@link NtpServer#fault} changes it later). */
    public NtpServerSpec fault(NtpFault f) {
        fault = f == null ? NtpFault.NONE : f;
        return this;
    }
}
