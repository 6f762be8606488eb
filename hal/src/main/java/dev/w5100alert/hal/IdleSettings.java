package dev.w5100alert.hal;

/**
 * How the firmware loop backs off while it waits (see {@link BackoffIdleStrategy}).
 *
 * @param spins           busy-spin steps ({@link Thread#onSpinWait()}) before yielding
 * @param yields          {@link Thread#yield()} steps before parking
 * @param minParkNanos    first park; each next one doubles
 * @param maxParkNanos    bound of the doubling while the chip is polled (no /INT, or /INT held low)
 * @param interruptParkNanos bound of one park while /INT is wired and high: an edge or a wake-up ends
 *                        it early; it only caps how late an event the chip does not signal is seen
 */
public record IdleSettings(int spins, int yields, long minParkNanos, long maxParkNanos, long interruptParkNanos) {

    /** 10 spins, 5 yields, parks from 1 µs doubling to 8 ms (an idle TCP poll is 3 frames: 375 frames/s); 1 s with /INT. */
    public static final IdleSettings DEFAULT = new IdleSettings(10, 5, 1_000L, 8_000_000L, 1_000_000_000L);

    public IdleSettings {
        if (spins < 0 || yields < 0 || minParkNanos <= 0 || maxParkNanos < minParkNanos
                || interruptParkNanos < maxParkNanos) {
            throw new IllegalArgumentException("idle settings need spins, yields >= 0 and "
                    + "0 < minPark <= maxPark <= interruptPark: " + this);
        }
    }

    /** The same with another polling bound (config {@code hardware.idle-max-park}). */
    public IdleSettings withMaxParkNanos(long nanos) {
        return new IdleSettings(spins, yields, Math.min(minParkNanos, nanos), nanos, Math.max(interruptParkNanos, nanos));
    }
}
