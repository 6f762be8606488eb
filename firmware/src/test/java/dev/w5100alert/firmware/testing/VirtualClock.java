package dev.w5100alert.firmware.testing;

import dev.w5100alert.hal.Clock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Test clock: virtual time moves only inside {@link #idle()}, and only while {@code mayAdvance} says so
 * (e.g. "the script server has gone silent"). Until then idle() parks briefly in real time, so a real
 * loopback peer always gets to answer before any virtual deadline can pass.
 */
public final class VirtualClock implements Clock {

    private final BooleanSupplier mayAdvance;
    private final long stepNanos;
    private volatile long now = 1_000_000_000L;
    private long epochBase = 1_795_380_581_000L; // Sun, 22 Nov 2026 20:49:41 +0000

    public VirtualClock(BooleanSupplier mayAdvance, long stepNanos) {
        this.mayAdvance = mayAdvance;
        this.stepNanos = stepNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long epochMillis() {
        return epochBase + now / 1_000_000L;
    }

    @Override
    public void idle() {
        if (mayAdvance.getAsBoolean()) {
            now += stepNanos;
        } else {
            LockSupport.parkNanos(100_000L);
        }
    }

    public void advance(long nanos) {
        now += nanos;
    }

    public void epochBase(long millis) {
        epochBase = millis;
    }
}
