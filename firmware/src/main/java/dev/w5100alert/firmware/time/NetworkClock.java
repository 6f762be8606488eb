package dev.w5100alert.firmware.time;

import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.ForwardingClock;

/**
 * The firmware's wall clock: another {@link Clock} plus an offset learnt from network time (SNTP).
 * {@link #epochMillis()} is the base clock's wall time plus {@link #offsetMillis()}; monotonic time
 * and idling are the base clock's, untouched. The system clock is never set.
 *
 * <p>Date headers and certificate validity read {@link #epochMillis()}, so hand this object to them
 * wherever a {@code Clock} is taken. Until a first offset is {@linkplain #adjust applied},
 * {@link #known()} is false and the time is only as good as the base clock (on a Pi without RTC: the
 * last saved time). Allocation-free. Written by the firmware loop's thread, read from any thread.
 */
public final class NetworkClock extends ForwardingClock {

    private volatile long offsetMillis;
    private volatile boolean known;
    private volatile long syncs;

    public NetworkClock(Clock base) {
        super(base);
    }

    @Override
    public long epochMillis() {
        return base.epochMillis() + offsetMillis;
    }

    /**
     * Moves the wall clock by {@code deltaMillis} (the offset an SNTP exchange measured against
     * {@link #epochMillis()}, so deltas add up) and marks the time known.
     */
    public void adjust(long deltaMillis) {
        offsetMillis += deltaMillis;
        syncs++;
        known = true;
    }

    /** True once network time has been applied at least once. */
    public boolean known() {
        return known;
    }

    /** Total correction applied to the base clock's wall time, in milliseconds. */
    public long offsetMillis() {
        return offsetMillis;
    }

    /** Number of successful synchronisations. */
    public long syncs() {
        return syncs;
    }

    /**
     * Whether mail may go out now: the time is known, or {@code maxWaitNanos} have passed since
     * {@code sinceNanos} (a board that cannot reach a time server still sends, with its own time).
     */
    public boolean mailMayGo(long nowNanos, long sinceNanos, long maxWaitNanos) {
        return known || nowNanos - sinceNanos >= maxWaitNanos;
    }
}
