package dev.w5100alert.sim;

/**
 * Test-only raw SPI frame helper: builds W5100 frames by hand (independent of hal's driver) and checks
 * the MISO header bytes of every frame it sends.
 */
final class Frames {
    static final int S_BASE = 0x0400;

    private final W5100Simulator sim;
    private final byte[] mosi = new byte[4];
    private final byte[] miso = new byte[4];

    Frames(W5100Simulator sim) {
        this.sim = sim;
    }

    static int sreg(int socket, int offset) {
        return S_BASE + socket * 0x100 + offset;
    }

    void write(int address, int value) {
        frame(0xF0, address, value);
        check(0x03);
    }

    int read(int address) {
        frame(0x0F, address, 0);
        return miso[3] & 0xFF;
    }

    void write16(int address, int value) {
        write(address, (value >>> 8) & 0xFF);
        write(address + 1, value & 0xFF);
    }

    int read16(int address) {
        return (read(address) << 8) | read(address + 1);
    }

    /** Reads a 16-bit live counter until two reads agree (as the datasheet advises). */
    int read16Stable(int address) {
        int last = read16(address);
        for (int i = 0; i < 100; i++) {
            int next = read16(address);
            if (next == last) {
                return next;
            }
            last = next;
        }
        throw new AssertionError("16-bit register 0x" + Integer.toHexString(address) + " never settled");
    }

    void writeIp(int address, int a, int b, int c, int d) {
        write(address, a);
        write(address + 1, b);
        write(address + 2, c);
        write(address + 3, d);
    }

    void command(int socket, int cmd) {
        write(sreg(socket, 0x01), cmd);
    }

    int status(int socket) {
        return read(sreg(socket, 0x03));
    }

    int interrupts(int socket) {
        return read(sreg(socket, 0x02));
    }

    byte[] lastMiso() {
        return miso.clone();
    }

    private void frame(int op, int address, int data) {
        mosi[0] = (byte) op;
        mosi[1] = (byte) (address >>> 8);
        mosi[2] = (byte) address;
        mosi[3] = (byte) data;
        sim.transfer(mosi, miso, 0, 1);
        if (sim.faults().misoStuck < 0) {
            if (miso[0] != 0x00 || miso[1] != 0x01 || miso[2] != 0x02) {
                throw new AssertionError("MISO header was " + (miso[0] & 0xFF) + "," + (miso[1] & 0xFF) + ","
                        + (miso[2] & 0xFF) + " instead of 0,1,2");
            }
        }
    }

    private void check(int expected) {
        if (sim.faults().misoStuck < 0 && (miso[3] & 0xFF) != expected) {
            throw new AssertionError("MISO byte 4 of a write was " + (miso[3] & 0xFF) + ", expected " + expected);
        }
    }
}
