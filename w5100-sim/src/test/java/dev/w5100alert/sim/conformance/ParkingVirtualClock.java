package dev.w5100alert.sim.conformance;

import dev.w5100alert.hal.Clock;
import java.util.concurrent.locks.LockSupport;

/**
 * hal's {@link Clock} in virtual time, shared with the simulator ({@code clock::nanoTime}).
 *
 * <p>{@link #idle()} advances virtual time by a fixed step <em>and</em> parks the thread briefly:
 * the simulator bridges to real loopback sockets, whose data takes real time to arrive, so a clock
 * that raced ahead without yielding would turn every test into a timeout. Virtual deadlines are
 * therefore reached in roughly {@code deadline / step * park} of real time.
 */
final class ParkingVirtualClock implements Clock {
    private long now = 1_000_000_000L;
    private final long stepNanos;
    private final long parkNanos;

    ParkingVirtualClock(long stepNanos, long parkNanos) {
        this.stepNanos = stepNanos;
        this.parkNanos = parkNanos;
    }

    /** 100 us of virtual time per idle, 20 us of real parking. */
    ParkingVirtualClock() {
        this(100_000L, 20_000L);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long epochMillis() {
        return now / 1_000_000L;
    }

    /** Lets {@code nanos} of virtual time pass at once, e.g. for a slow bus transfer. */
    void advance(long nanos) {
        now += nanos;
    }

    @Override
    public void idle() {
        now += stepNanos;
        LockSupport.parkNanos(parkNanos);
    }
}
