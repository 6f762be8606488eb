package dev.w5100alert.firmware.idle;

import dev.w5100alert.hal.BackoffClock;
import dev.w5100alert.hal.BackoffIdleStrategy;
import dev.w5100alert.hal.IdleSettings;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A virtual clock running the board's own {@link BackoffIdleStrategy}: parks pass exactly their length in
 * virtual time, a spin costs 1 µs and a yield 5 µs (about one SPI poll on a Pi), so the number of chip polls
 * in a minute of waiting is what the board would make, and deterministic. While {@code mayAdvance} says no
 * (a real loopback peer has not connected yet), parks pass in real time instead and virtual time stands.
 */
public final class VirtualLoopClock extends BackoffClock {

    /** The virtual time the strategy's spins, yields and parks pass. */
    private static final class VirtualTime implements BackoffIdleStrategy.Waiting {
        private final BooleanSupplier mayAdvance;
        private volatile long now = 1_000_000_000L;

        VirtualTime(BooleanSupplier mayAdvance) {
            this.mayAdvance = mayAdvance;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void spin() {
            pass(1_000L);
        }

        @Override
        public void yieldThread() {
            pass(5_000L);
        }

        @Override
        public void park(long nanos) {
            pass(nanos);
        }

        private void pass(long nanos) {
            if (mayAdvance.getAsBoolean()) {
                now += nanos;
            } else {
                LockSupport.parkNanos(100_000L);
            }
        }
    }

    private final VirtualTime time;

    public VirtualLoopClock(IdleSettings settings, BooleanSupplier mayAdvance) {
        this(settings, new VirtualTime(mayAdvance));
    }

    private VirtualLoopClock(IdleSettings settings, VirtualTime time) {
        super(new BackoffIdleStrategy(settings, time));
        this.time = time;
    }

    @Override
    public long nanoTime() {
        return time.now;
    }

    @Override
    public long epochMillis() {
        return 1_795_380_581_000L + time.now / 1_000_000L;
    }
}
