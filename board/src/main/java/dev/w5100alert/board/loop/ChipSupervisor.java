package dev.w5100alert.board.loop;

/**
 * The loop's view of the network chip's health: a cheap liveness probe and a full recovery
 * (hardware reset through the reset pin, bring-up, network configuration). On the board this is
 * the W5100 driver; tests use the simulator's faults.
 */
public interface ChipSupervisor {

    /** True when the chip answers as expected (a register with a known value reads back right). */
    boolean responding();

    /**
     * Resets and re-initialises the chip; bounded by the driver's own deadlines.
     *
     * @return null on success, otherwise what went wrong (for the log)
     */
    String reset();

    /** For transports that need no chip (tests, host sockets). */
    ChipSupervisor NONE = new ChipSupervisor() {
        @Override
        public boolean responding() {
            return true;
        }

        @Override
        public String reset() {
            return null;
        }
    };
}
