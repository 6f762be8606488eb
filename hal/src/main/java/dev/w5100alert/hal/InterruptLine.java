package dev.w5100alert.hal;

/**
 * The W5100's active-low /INT output, when it is wired to a GPIO input.
 *
 * <p>The chip drives /INT low while {@code IR & IMR} is non-zero (datasheet 4.1, IMR). The firmware
 * loop's wait ({@link BackoffIdleStrategy}) reads the level before it parks and is woken by the edge,
 * so it does not have to poll the chip to learn that nothing happened.
 *
 * <p>Two kinds of line: one whose edges arrive on their own (a GPIO input with a listener thread;
 * {@link #wakesAsynchronously()} true: the listener calls the wake-up registered with
 * {@link #onAssert(Runnable)}, so the wait may park until its deadline), and one that must be sampled
 * (the in-process simulator, which only moves when asked; the wait samples it between short parks).
 */
public interface InterruptLine {

    /** {@code true} while /INT is low. May sample the pin; never touches the SPI bus. */
    boolean asserted();

    /**
     * Whether falling edges are reported through the {@link #onAssert(Runnable) wake-up} without being
     * sampled (from any thread).
     */
    boolean wakesAsynchronously();

    /** Registers the wake-up to call on each falling edge (replaces the previous one). */
    void onAssert(Runnable wakeUp);

    /** Whether a line is there at all; the driver only enables chip interrupts (IMR) when it is. */
    default boolean wired() {
        return true;
    }

    /** For boards where /INT is not wired: the firmware polls the chip. */
    InterruptLine NOT_WIRED = new InterruptLine() {
        @Override
        public boolean asserted() {
            return false;
        }

        @Override
        public boolean wakesAsynchronously() {
            return false;
        }

        @Override
        public void onAssert(Runnable wakeUp) {
        }

        @Override
        public boolean wired() {
            return false;
        }
    };
}
