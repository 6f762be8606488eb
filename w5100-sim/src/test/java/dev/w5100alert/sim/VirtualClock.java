package dev.w5100alert.sim;

/** Test clock: time moves only when the test says so. */
final class VirtualClock {
    private long now = 1_000_000_000L;

    long nanoTime() {
        return now;
    }

    void advanceNanos(long nanos) {
        now += nanos;
    }

    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }
}
