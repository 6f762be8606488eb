package dev.w5100alert.board.stack;

import dev.w5100alert.hal.SpiBus;

/**
 * Read-only register access for diagnosis and the liveness probe: {@code hal}'s driver exposes no
 * register reads, so this reads W5100 registers with the datasheet's read frame
 * ({@code 0x0F, addrHi, addrLo, 0x00}; the data byte comes back in the fourth MISO byte). It never
 * writes. If hal grows a register-read API, this class should go.
 */
public final class RegisterPeek {
    private static final int READ_OP = 0x0F;
    private final SpiBus bus;
    private final byte[] mosi;
    private final byte[] miso;

    /** @param maxBytes largest read in one call (buffers are sized from it once) */
    public RegisterPeek(SpiBus bus, int maxBytes) {
        this.bus = bus;
        this.mosi = new byte[maxBytes * SpiBus.FRAME_BYTES];
        this.miso = new byte[maxBytes * SpiBus.FRAME_BYTES];
    }

    /** Reads {@code out.length} consecutive registers from {@code address}. */
    public void read(int address, byte[] out) {
        int n = out.length;
        for (int i = 0; i < n; i++) {
            int a = address + i;
            mosi[i * 4] = (byte) READ_OP;
            mosi[i * 4 + 1] = (byte) (a >> 8);
            mosi[i * 4 + 2] = (byte) a;
            mosi[i * 4 + 3] = 0;
        }
        bus.transfer(mosi, miso, 0, n);
        for (int i = 0; i < n; i++) {
            out[i] = miso[i * 4 + 3];
        }
    }

    /** A hex dump of the common registers 0x0000-0x002F and socket 0's first 0x30 registers. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        byte[] row = new byte[16];
        int[] bases = {0x0000, 0x0010, 0x0020, 0x0400, 0x0410, 0x0420};
        for (int base : bases) {
            read(base, row);
            sb.append(String.format("%04X:", base));
            for (byte b : row) {
                sb.append(String.format(" %02X", b & 0xFF));
            }
            sb.append(base == 0x0000 ? "   MR GAR[4] SUBR[4] SHAR[6] ..." : base == 0x0400 ? "   S0_MR S0_CR S0_IR S0_SR ..." : "")
                    .append('\n');
        }
        return sb.toString();
    }
}
