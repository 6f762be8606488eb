package dev.w5100alert.sim;

/**
 * One register of the model: declared once in {@link RegisterTable} with its address, width, reset
 * value and access mode; the simulator attaches side-effect callbacks (Renode style).
 *
 * <p>Multi-byte registers are big-endian (high byte at the lower address), as on the chip.
 */
public final class Register {

    /** How a register answers the bus. */
    public enum Access {
        /** Plain storage; an optional after-write callback sees the new byte. */
        READ_WRITE,
        /** Writes are ignored (and counted); reads may be computed live. */
        READ_ONLY,
        /** The write callback alone decides what a write does (commands, write-1-to-clear). */
        CUSTOM
    }

    /** Computes a byte on read (live status). {@code index} is the byte within the register. */
    @FunctionalInterface
    public interface ReadHook {
        int read(int index);
    }

    /** Reacts to a written byte. {@code index} is the byte within the register. */
    @FunctionalInterface
    public interface WriteHook {
        void written(int index, int value);
    }

    final int id;
    final String name;
    final int address;
    final int width;
    final long reset;
    final Access access;
    /** Socket number, or -1 for a common register. */
    final int socket;
    /** Socket register offset (0x00..0xFF) or the common register's address. */
    final int offset;
    ReadHook reader;
    WriteHook writer;

    Register(int id, String name, int address, int width, long reset, Access access, int socket, int offset) {
        this.id = id;
        this.name = name;
        this.address = address;
        this.width = width;
        this.reset = reset;
        this.access = access;
        this.socket = socket;
        this.offset = offset;
    }

    /** Datasheet name with the socket number filled in, e.g. {@code S0_CR}. */
    public String name() {
        return name;
    }

    public int address() {
        return address;
    }

    public int width() {
        return width;
    }

    /** Reset value of the whole register (big-endian). */
    public long resetValue() {
        return reset;
    }

    /** Reset value of byte {@code index} (0 = the byte at {@link #address()}). */
    public int resetByte(int index) {
        return (int) (reset >>> (8 * (width - 1 - index))) & 0xFF;
    }

    public Access access() {
        return access;
    }

    @Override
    public String toString() {
        return name + "@0x" + Integer.toHexString(address);
    }
}
