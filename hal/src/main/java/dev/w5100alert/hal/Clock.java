package dev.w5100alert.hal;

/**
 * Time as the firmware and the driver see it: passed in, never read from a global.
 *
 * <p>Every wait in hal and firmware polls with a deadline taken from this clock and calls
 * {@link #idle()} (or {@link #idleUntil(long)}) between polls: the one wait primitive. On the board
 * that is a {@link SystemClock}'s {@link BackoffIdleStrategy} (spin, yield, park doubling to a bound,
 * woken by sensor and /INT edges); in tests a virtual clock advances its own time inside
 * {@code idle()}, so a 30 s timeout runs in microseconds.
 */
public interface Clock {

    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch (for Date headers and logs). */
    long epochMillis();

    /**
     * One step of a bounded wait that made no progress; returns promptly (a spin, a yield or a short
     * park, see {@link BackoffIdleStrategy}).
     */
    void idle();

    /**
     * One step of a wait that must end by {@code deadlineNanos} ({@link #nanoTime()} time): never parks
     * past it. Clocks without a strategy just {@link #idle()}.
     */
    default void idleUntil(long deadlineNanos) {
        idle();
    }

    /** The caller made progress: the next wait starts at the spinning end again. */
    default void progress() {
    }

    /** Any thread: ends the loop's current park at once (a sensor edge, the /INT edge). */
    default void wake() {
    }

    /** Waits on the chip's /INT line from now on (edges wake, a quiet line lets the wait park longer). */
    default void waitOn(InterruptLine line) {
    }

    /**
     * The real clock with the default {@link IdleSettings}. Its wait has state: meant for one waiting
     * thread (a command line's main thread); the board's loop gets its own {@link SystemClock}.
     */
    Clock SYSTEM = new SystemClock();
}
