package dev.w5100alert.hal;

/**
 * A {@link Clock} that keeps another clock's monotonic time and its waiting (idle strategy, wake-ups, the /INT
 * line) and changes only what a subclass overrides, typically {@link #epochMillis()}: a wall clock corrected
 * by network time, or a simulated board's clock set off on purpose. Allocation-free.
 */
public abstract class ForwardingClock implements Clock {

    /** The clock whose time and waits this one passes on. */
    protected final Clock base;

    protected ForwardingClock(Clock base) {
        if (base == null) {
            throw new IllegalArgumentException("base clock is required");
        }
        this.base = base;
    }

    @Override
    public long nanoTime() {
        return base.nanoTime();
    }

    @Override
    public long epochMillis() {
        return base.epochMillis();
    }

    @Override
    public void idle() {
        base.idle();
    }

    @Override
    public void idleUntil(long deadlineNanos) {
        base.idleUntil(deadlineNanos);
    }

    @Override
    public void progress() {
        base.progress();
    }

    @Override
    public void wake() {
        base.wake();
    }

    @Override
    public void waitOn(InterruptLine line) {
        base.waitOn(line);
    }
}
