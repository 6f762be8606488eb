package dev.w5100alert.firmware.idle;

import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.sim.W5100Simulator;

/**
 * The simulated chip's /INT as an {@link InterruptLine} for the firmware's wait tests and probes: sampled between
 * parks ({@link W5100Simulator#pollInterrupt()}, no SPI frames) and called back on each fall, on the bus's thread.
 * (The board has its own for its simulated modes; board code is not on the firmware's class path.)
 */
public final class SimulatorInterruptLine implements InterruptLine {

    private final W5100Simulator sim;

    public SimulatorInterruptLine(W5100Simulator sim) {
        this.sim = sim;
    }

    @Override
    public boolean asserted() {
        return sim.pollInterrupt();
    }

    @Override
    public boolean wakesAsynchronously() {
        return false;
    }

    @Override
    public void onAssert(Runnable wakeUp) {
        sim.onInterrupt(wakeUp);
    }
}
