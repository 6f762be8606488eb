package dev.w5100alert.firmware.http;

import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The responder on hal's driver over the simulated chip, on a virtual clock that moves only when a test
 * says so. {@link #idles} counts every time anything below the responder asked to wait: a responder that
 * never blocks leaves it at zero.
 */
final class SimRig implements AutoCloseable {

    static final int CHIP_PORT = 80;

    final class ManualClock implements Clock {
        volatile long now = 5_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return 1_795_380_581_000L + now / 1_000_000L;
        }

        @Override
        public void idle() {
            idles++;
        }
    }

    final ManualClock clock = new ManualClock();
    final W5100Simulator sim;
    final W5100Driver driver;
    final W5100ServerLink link;
    final HttpResponder responder;
    long idles;
    long steps;
    long maxFramesPerStep;

    SimRig(StatusContent content, int bodyCapacity) {
        sim = new W5100Simulator(VirtualNetwork.builder().inboundPeer("192.168.1.77").build(), clock::nanoTime);
        driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
        driver.bringUp(NetworkConfig.of(0x02_00_00_00_00_01L, Ipv4.of(192, 168, 1, 50), Ipv4.of(255, 255, 255, 0),
                Ipv4.of(192, 168, 1, 1)));
        link = new W5100ServerLink(driver, CHIP_PORT);
        responder = new HttpResponder(link, content, bodyCapacity);
        step();
        realPort = sim.realTcpListenPort(CHIP_PORT);
        if (realPort < 0) {
            throw new IllegalStateException("the status socket did not listen");
        }
    }

    private final int realPort;

    /** The loopback port the chip's port 80 is bridged to (the simulator re-binds the same one on every LISTEN). */
    int realPort() {
        return realPort;
    }

    /** One loop step at the current virtual time. */
    int step() {
        long f0 = driver.framesSent();
        int w = responder.doWork(clock.now);
        maxFramesPerStep = Math.max(maxFramesPerStep, driver.framesSent() - f0);
        steps++;
        return w;
    }

    /**
     * Steps until {@code done}, parking a little in real time when a step did nothing (so the real client gets
     * to run), and moving virtual time by {@code idleAdvanceNanos} on each such idle step. Bounded by steps.
     */
    void stepUntil(BooleanSupplier done, long idleAdvanceNanos, int maxSteps) {
        for (int i = 0; i < maxSteps && !done.getAsBoolean(); i++) {
            if (step() == 0) {
                clock.now += idleAdvanceNanos;
                LockSupport.parkNanos(20_000L);
            }
        }
        if (!done.getAsBoolean()) {
            throw new AssertionError("not done within " + maxSteps + " steps");
        }
    }

    @Override
    public void close() {
        link.abort();
        sim.close();
    }
}
