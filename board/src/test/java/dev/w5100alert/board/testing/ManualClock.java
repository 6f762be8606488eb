package dev.w5100alert.board.testing;

import dev.w5100alert.hal.Clock;

/** A virtual clock: time moves only when a test advances it or when code idles (1 ms per idle). */
public final class ManualClock implements Clock {
    private long nanos = 1_000_000_000L;
    private long millis = 1_795_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return millis;
    }

    @Override
    public void idle() {
        advanceNanos(1_000_000L);
    }

    public void advanceNanos(long n) {
        nanos += n;
        millis += n / 1_000_000L;
    }

    public void advanceSeconds(long s) {
        advanceNanos(s * 1_000_000_000L);
    }
}
