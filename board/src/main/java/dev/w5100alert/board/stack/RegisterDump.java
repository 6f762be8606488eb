package dev.w5100alert.board.stack;

import dev.w5100alert.hal.W5100Driver;

/**
 * The register dump printed by {@code diagnose}: common registers 0x0000-0x002F and socket 0's first
 * 0x30, read through the driver's read-only {@link W5100Driver#readRegisters}. Diagnosis only; it
 * allocates its text.
 */
public final class RegisterDump {
    private static final int[] ROWS = {0x0000, 0x0010, 0x0020, 0x0400, 0x0410, 0x0420};

    private RegisterDump() {
    }

    /** Sixteen bytes a line, each line headed by its address, with the datasheet names of the first bytes. */
    public static String of(W5100Driver driver) {
        StringBuilder sb = new StringBuilder();
        byte[] row = new byte[16];
        for (int base : ROWS) {
            driver.readRegisters(base, row, 0, row.length);
            sb.append(String.format("%04X:", base));
            for (byte b : row) {
                sb.append(String.format(" %02X", b & 0xFF));
            }
            if (base == 0x0000) {
                sb.append("   MR GAR[4] SUBR[4] SHAR[6] ...");
            } else if (base == 0x0400) {
                sb.append("   S0_MR S0_CR S0_IR S0_SR ...");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
