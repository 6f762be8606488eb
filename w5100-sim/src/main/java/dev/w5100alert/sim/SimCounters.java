package dev.w5100alert.sim;

/**
 * What crossed the simulated bus: frames, reads and writes (in total and per register), malformed
 * frames and accesses the model does not handle.
 *
 * <p>Plain counters updated on the bus thread without allocation; read them from the same thread
 * (the simulator is single-threaded).
 */
public final class SimCounters {
    private final RegisterTable table;
    final long[] readsById;
    final long[] writesById;
    long frames;
    long reads;
    long writes;
    long cutFrames;
    long badOpcodes;
    long overrunBytes;
    long unhandled;
    long readOnlyWrites;
    long txBufferWrites;
    long rxBufferReads;
    long bufferOther;
    long commands;
    long droppedDatagrams;
    long interruptEdges;

    SimCounters(RegisterTable table) {
        this.table = table;
        this.readsById = new long[table.all().size()];
        this.writesById = new long[table.all().size()];
    }

    /** Complete 4-byte frames (any opcode). */
    public long frames() {
        return frames;
    }

    /** Read frames (opcode 0x0F). */
    public long reads() {
        return reads;
    }

    /** Write frames (opcode 0xF0). */
    public long writes() {
        return writes;
    }

    /** Frames ended by chip-select release before the fourth byte (discarded). */
    public long cutFrames() {
        return cutFrames;
    }

    /** Complete frames whose first byte was neither 0xF0 nor 0x0F (ignored). */
    public long badOpcodes() {
        return badOpcodes;
    }

    /** Bytes shifted while chip-select stayed low after a complete frame (ignored). */
    public long overrunBytes() {
        return overrunBytes;
    }

    /** Accesses the model does not handle: reserved addresses, unsupported modes, misuse. */
    public long unhandled() {
        return unhandled;
    }

    /** Writes to read-only registers (ignored, as on the chip). */
    public long readOnlyWrites() {
        return readOnlyWrites;
    }

    /** Sn_CR writes that were accepted as commands. */
    public long commands() {
        return commands;
    }

    /** Bytes written into TX memory (0x4000-0x5FFF). */
    public long txBufferWrites() {
        return txBufferWrites;
    }

    /** Bytes read from RX memory (0x6000-0x7FFF). */
    public long rxBufferReads() {
        return rxBufferReads;
    }

    /** Reads of the named register (any byte of it), e.g. {@code reads("S0_SR")}. */
    public long reads(String register) {
        return readsById[lookup(register).id];
    }

    /** Writes to the named register (any byte of it). */
    public long writes(String register) {
        return writesById[lookup(register).id];
    }

    private Register lookup(String name) {
        Register r = table.named(name);
        if (r == null) {
            throw new IllegalArgumentException("no register named '" + name + "'");
        }
        return r;
    }

    /** Sets every counter back to zero. */
    public void clear() {
        java.util.Arrays.fill(readsById, 0);
        java.util.Arrays.fill(writesById, 0);
        frames = reads = writes = cutFrames = badOpcodes = overrunBytes = unhandled = readOnlyWrites = 0;
        txBufferWrites = rxBufferReads = bufferOther = commands = droppedDatagrams = interruptEdges = 0;
    }

    @Override
    public String toString() {
        return "frames=" + frames + " reads=" + reads + " writes=" + writes + " cut=" + cutFrames
                + " badOpcodes=" + badOpcodes + " unhandled=" + unhandled + " readOnlyWrites=" + readOnlyWrites;
    }

    /** Inbound UDP datagrams dropped because the socket's RX buffer had no room for them (as on the chip). */
    public long droppedDatagrams() {
        return droppedDatagrams;
    }

    /** Falls of the /INT pin (IR &amp; IMR going from zero to non-zero). */
    public long interruptEdges() {
        return interruptEdges;
    }
}
