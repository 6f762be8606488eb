package dev.w5100alert.board.stack;

import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.sim.W5100Simulator;

/**
 * The simulated chip's /INT pin as the loop's {@link InterruptLine}: an in-process callback on each fall,
 * and a level the wait samples between parks ({@link W5100Simulator#pollInterrupt()}, no SPI frames).
 * The model only moves when asked, so the line is sampled rather than waited on; same thread as the bus.
 */
public final class SimulatedInterruptLine implements InterruptLine {

    private final W5100Simulator sim;

    public SimulatedInterruptLine(W5100Simulator sim) {
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
