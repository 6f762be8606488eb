package dev.w5100alert.hal;

/** Bring-up found no working W5100; {@link #diagnosis()} says what a person should check. */
public final class ChipDetectionException extends W5100Exception {
    private static final long serialVersionUID = 1L;

    /** What detection saw, with the action that usually fixes it. */
    public enum Diagnosis {
        /** Every read returned 0xFF. */
        MISO_NOT_CONNECTED("every read returned 0xFF: MISO not connected or chip unpowered"),
        /** Every read returned 0x00. */
        ALL_ZERO("every read returned 0x00: MISO stuck low, chip held in reset or wrong chip select"),
        /** MR.RST never cleared. */
        RESET_STUCK("MR.RST did not clear after soft reset: chip not running (clock/crystal, power, reset line)"),
        /** Registers did not hold their documented reset values. */
        WRONG_RESET_VALUES("registers do not hold the W5100 reset values: not a W5100, or reset did not happen"),
        /** A value written did not read back. */
        READBACK_MISMATCH("write/read-back mismatch: check SPI mode (0) and clock (<= 14 MHz), wiring length");

        private final String advice;

        Diagnosis(String advice) {
            this.advice = advice;
        }

        public String advice() {
            return advice;
        }
    }

    private final Diagnosis diagnosis;

    public ChipDetectionException(Diagnosis diagnosis, String detail) {
        super("W5100 not detected: " + diagnosis.advice() + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.diagnosis = diagnosis;
    }

    public Diagnosis diagnosis() {
        return diagnosis;
    }
}
