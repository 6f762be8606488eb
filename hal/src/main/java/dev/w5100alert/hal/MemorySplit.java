package dev.w5100alert.hal;

/**
 * How the W5100's 8 KB of TX memory and 8 KB of RX memory are shared by its four sockets
 * (registers TMSR and RMSR, datasheet 4.1).
 *
 * <p>Each socket gets 1, 2, 4 or 8 KB per direction. The chip hands memory out to sockets 0, 1, 2, 3
 * in order; a socket whose size no longer fits in the 8 KB gets none and cannot be opened
 * ({@link #txBytes(int)} returns 0 for it). Immutable.
 *
 * @param txCode TMSR value: two bits per socket, socket 0 in bits 1:0, size = 1 KB &lt;&lt; code
 * @param rxCode RMSR value, same layout
 */
public record MemorySplit(int txCode, int rxCode) {

    /** The reset value: 2 KB per socket each way. */
    public static final MemorySplit EVEN = new MemorySplit(0x55, 0x55);

    public MemorySplit {
        if ((txCode & ~0xFF) != 0 || (rxCode & ~0xFF) != 0) {
            throw new IllegalArgumentException("TMSR/RMSR codes are one byte each: " + txCode + ", " + rxCode);
        }
    }

    /** Same sizes for TX and RX, in KB per socket 0..3 (each 1, 2, 4 or 8). */
    public static MemorySplit kilobytes(int s0, int s1, int s2, int s3) {
        int code = encode(s0) | encode(s1) << 2 | encode(s2) << 4 | encode(s3) << 6;
        return new MemorySplit(code, code);
    }

    private static int encode(int kb) {
        return switch (kb) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            case 8 -> 3;
            default -> throw new IllegalArgumentException("socket buffer size must be 1, 2, 4 or 8 KB, not " + kb);
        };
    }

    /** TX buffer bytes of {@code socket} (0 when the chip's memory ran out before it). */
    public int txBytes(int socket) {
        return size(txCode, socket);
    }

    /** RX buffer bytes of {@code socket} (0 when the chip's memory ran out before it). */
    public int rxBytes(int socket) {
        return size(rxCode, socket);
    }

    int txBase(int socket) {
        return W5100Registers.TX_MEMORY + offset(txCode, socket);
    }

    int rxBase(int socket) {
        return W5100Registers.RX_MEMORY + offset(rxCode, socket);
    }

    private static int nominal(int code, int socket) {
        return 1024 << ((code >>> (2 * socket)) & 3);
    }

    private static int offset(int code, int socket) {
        int sum = 0;
        for (int s = 0; s < socket; s++) {
            sum += nominal(code, s);
        }
        return sum;
    }

    private static int size(int code, int socket) {
        if (socket < 0 || socket >= W5100Registers.SOCKETS) {
            throw new IllegalArgumentException("socket must be 0..3: " + socket);
        }
        int size = nominal(code, socket);
        return offset(code, socket) + size <= W5100Registers.MEMORY_BYTES ? size : 0;
    }
}
