package dev.w5100alert.hal;

/**
 * The W5100's active-low /RESET input, when it is wired to a GPIO output.
 *
 * <p>The driver holds reset asserted for at least the datasheet's minimum pulse, releases it and
 * then waits (by its clock) for the chip to come up; this interface only moves the line.
 */
public interface ResetLine {

    /** {@code true} drives /RESET low (chip held in reset); {@code false} releases it. */
    void assertReset(boolean asserted);

    /** For boards where /RESET is not wired: the driver falls back to a soft reset (MR.RST). */
    ResetLine NOT_WIRED = asserted -> { };
}
