package dev.w5100alert.hal;

/**
 * A {@link Clock} whose waits are a {@link BackoffIdleStrategy}: {@link #idle()}, {@link #idleUntil(long)},
 * {@link #progress()}, {@link #wake()} and {@link #waitOn(InterruptLine)} go to the strategy, so every clock
 * that waits the loop's way (the real {@link SystemClock}, a virtual one in measurements) maps them the same.
 * Subclasses give the time.
 */
public abstract class BackoffClock implements Clock {

    private final BackoffIdleStrategy strategy;

    protected BackoffClock(BackoffIdleStrategy strategy) {
        this.strategy = strategy;
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
