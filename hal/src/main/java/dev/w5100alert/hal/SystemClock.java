package dev.w5100alert.hal;

/**
 * The real clock with the loop's wait: {@link System#nanoTime()}, {@link System#currentTimeMillis()},
 * and a {@link BackoffIdleStrategy} behind {@link #idle()} / {@link #idleUntil(long)}.
 *
 * <p>One thread waits on an instance (the firmware loop's); {@link #wake()} may be called from any
 * thread. Give each waiting thread its own instance.
 */
public final class SystemClock implements Clock {

    private final BackoffIdleStrategy strategy;

    public SystemClock(IdleSettings settings) {
        this.strategy = new BackoffIdleStrategy(settings, BackoffIdleStrategy.SYSTEM);
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

    @Override
    public void idle() {
        strategy.idle();
    }

    @Override
    public void idleUntil(long deadlineNanos) {
        strategy.idleUntil(deadlineNanos);
    }

    @Override
    public void progress() {
        strategy.reset();
    }

    @Override
    public void wake() {
        strategy.wake();
    }

    @Override
    public void waitOn(InterruptLine line) {
        strategy.interruptLine(line);
    }

    /** The strategy itself (counters for measurements). */
    public BackoffIdleStrategy strategy() {
        return strategy;
    }
}
