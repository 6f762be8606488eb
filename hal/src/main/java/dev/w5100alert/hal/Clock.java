package dev.w5100alert.hal;

/**
 * Time as the firmware and the driver see it: passed in, never read from a global.
 *
 * <p>Every wait in hal and firmware polls with a deadline taken from this clock and calls
 * {@link #idle()} between polls. On the board {@link #SYSTEM} parks the thread briefly; in tests a
 * virtual clock advances its own time inside {@code idle()}, so a 30 s timeout runs in
 * microseconds.
 */
public interface Clock {

    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch (for Date headers and logs). */
    long epochMillis();

    /** Called between polls of a bounded wait; must return promptly. */
    void idle();

    /** The real clock: {@link System#nanoTime()}, {@link System#currentTimeMillis()}, a short park. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void idle() {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000L);
        }
    };
}
