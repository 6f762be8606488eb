package dev.w5100alert.hal;

/** A virtual clock: time moves only in {@link #idle()}, by a fixed step. */
final class ManualClock implements Clock {
    long now = 1_000_000_000L;
    final long step;
    long idles;

    ManualClock(long stepNanos) {
        this.step = stepNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long epochMillis() {
        return now / 1_000_000L;
    }

    @Override
    public void idle() {
        idles++;
        now += step;
    }
}
