package dev.w5100alert.hal;

/**
 * The real clock with the loop's wait: {@link System#nanoTime()}, {@link System#currentTimeMillis()},
 * and a {@link BackoffIdleStrategy} behind {@link #idle()} / {@link #idleUntil(long)}.
 *
 * <p>One thread waits on an instance (the firmware loop's); {@link #wake()} may be called from any
 * thread. Give each waiting thread its own instance.
 */
public final class SystemClock extends BackoffClock {

    public SystemClock(IdleSettings settings) {
        super(new BackoffIdleStrategy(settings, BackoffIdleStrategy.SYSTEM));
    }

    public SystemClock() {
        this(IdleSettings.DEFAULT);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
