package dev.w5100alert.hal;

/**
 * A preallocated batch of W5100 SPI frames, shifted in one {@link SpiBus#transfer} call.
 *
 * <p>This is the only place where the 4-byte frame ({@code 0xF0 hi lo data} to write,
 * {@code 0x0F hi lo 0x00} to read) is built. The driver queues writes and reads, runs the batch and
 * then picks the read values out by the index {@link #read} returned. Values stay valid until the
 * next {@link #run()}. Nothing is allocated after construction. Not thread-safe.
 */
final class FrameBatch {
    private static final byte OP_WRITE = (byte) 0xF0;
    private static final byte OP_READ = (byte) 0x0F;

    private final SpiBus bus;
    private final byte[] mosi;
    private final byte[] miso;
    private final int capacity;
    private int count;
    private long framesSent;

    FrameBatch(SpiBus bus, int capacityFrames) {
        this.bus = bus;
        this.capacity = capacityFrames;
        this.mosi = new byte[capacityFrames * SpiBus.FRAME_BYTES];
        this.miso = new byte[capacityFrames * SpiBus.FRAME_BYTES];
    }

    int capacity() {
        return capacity;
    }

    /** Frames that can still be queued before {@link #run()}. */
    int room() {
        return capacity - count;
    }

    int queued() {
        return count;
    }

    void write(int address, int value) {
        put(OP_WRITE, address, value);
    }

    /** Queues a read; returns the index to pass to {@link #value(int)} after {@link #run()}. */
    int read(int address) {
        return put(OP_READ, address, 0);
    }

    void write16(int address, int value) {
        put(OP_WRITE, address, value >>> 8);
        put(OP_WRITE, address + 1, value);
    }

    private int put(byte op, int address, int data) {
        if (count == capacity) {
            throw new IllegalStateException("frame batch full (" + capacity + " frames)");
        }
        int i = count * SpiBus.FRAME_BYTES;
        mosi[i] = op;
        mosi[i + 1] = (byte) (address >>> 8);
        mosi[i + 2] = (byte) address;
        mosi[i + 3] = (byte) data;
        return count++;
    }

    /** Shifts every queued frame in one bus transfer; a no-op when nothing is queued. */
    void run() {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0;
        framesSent += n;
        bus.transfer(mosi, miso, 0, n);
    }

    /** Data byte returned by the frame at {@code index} of the last run. */
    int value(int index) {
        return miso[index * SpiBus.FRAME_BYTES + 3] & 0xFF;
    }

    /** 16-bit big-endian value from two consecutive read frames. */
    int value16(int index) {
        return (value(index) << 8) | value(index + 1);
    }

    /** Copies the data bytes of {@code n} consecutive read frames starting at {@code index}. */
    void copyValues(int index, byte[] dst, int offset, int n) {
        int src = index * SpiBus.FRAME_BYTES + 3;
        for (int k = 0; k < n; k++) {
            dst[offset + k] = miso[src];
            src += SpiBus.FRAME_BYTES;
        }
    }

    /** Frames shifted since construction (for the frame-economy figures). */
    long framesSent() {
        return framesSent;
    }
}
