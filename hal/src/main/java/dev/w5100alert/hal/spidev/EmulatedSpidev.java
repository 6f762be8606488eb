package dev.w5100alert.hal.spidev;

import com.sun.jna.Pointer;

/**
 * {@link SpidevNative} without a kernel: decodes each {@code SPI_IOC_MESSAGE(n)} from native memory as
 * spidev and the SPI core do (the uapi {@code spi_ioc_transfer} field offsets, {@code tx_buf}/{@code rx_buf}
 * as addresses, {@code len}, {@code speed_hz}, {@code bits_per_word}, {@code cs_change}) and shifts the bytes
 * through a byte-level chip model (the simulator's SPI state machine) with chip-select moved as the kernel
 * moves it: asserted for the message, released after a transfer with {@code cs_change = 1} (asserted again
 * for the next), released at the end unless the last transfer has {@code cs_change = 1}.
 *
 * <p>Like the kernel, it refuses a message whose transfers, each rounded up to {@link #dmaAlignment}, exceed
 * {@code bufsiz} (EMSGSIZE). Unlike the kernel, it refuses what the W5100 cannot take: a transfer that is
 * not one 4-byte frame of 8-bit words at the configured speed without delays, or a message left with
 * chip-select asserted (EINVAL), so a binding that gets these wrong fails its tests at once.
 * Allocation-free per message. Not thread-safe.
 */
public final class EmulatedSpidev implements SpidevNative {

    /** The chip's side of the wires: chip-select and one byte in, one byte out. */
    public interface ByteChip {
        void chipSelect(boolean selected);

        int shift(int byteIn);
    }

    static final int EINVAL = 22;
    static final int EBADF = 9;
    static final int FD = 7;

    /** Reads and writes user memory by absolute address (a pointer whose peer is 0). */
    private static final Pointer USER_MEMORY = new Pointer(0);

    private final ByteChip chip;
    private final int bufsiz;
    private final int dmaAlignment;
    private boolean open;
    private boolean selected;
    private int mode = -1;
    private int bitsPerWord = -1;
    private int speedHz = -1;
    private long messages;
    private long transfers;
    private long refused;
    private String lastRefusal = "";
    private final byte[] csChangeSeen = new byte[SpidevBus.MAX_TRANSFERS];
    private int lastMessageLength;

    /**
     * @param bufsiz        the kernel's bounce buffer size (module parameter)
     * @param dmaAlignment  what each transfer is rounded up to in that accounting (128 on arm64)
     */
    public EmulatedSpidev(ByteChip chip, int bufsiz, int dmaAlignment) {
        this.chip = chip;
        this.bufsiz = bufsiz;
        this.dmaAlignment = dmaAlignment;
    }

    @Override
    public int open(String path, int flags) {
        if (!path.matches("/dev/spidev[0-9]+\\.[0-9]+")) {
            return -2; // ENOENT
        }
        open = true;
        return FD;
    }

    @Override
    public int close(int fd) {
        if (fd != FD || !open) {
            return -EBADF;
        }
        open = false;
        return 0;
    }

    @Override
    public int ioctl(int fd, int request, Pointer arg) {
        if (fd != FD || !open) {
            return -EBADF;
        }
        if (request == SpidevBus.SPI_IOC_WR_MODE) {
            mode = arg.getByte(0) & 0xFF;
            return 0;
        }
        if (request == SpidevBus.SPI_IOC_WR_BITS_PER_WORD) {
            bitsPerWord = arg.getByte(0) & 0xFF;
            return 0;
        }
        if (request == SpidevBus.SPI_IOC_WR_MAX_SPEED_HZ) {
            speedHz = arg.getInt(0);
            return 0;
        }
        if ((request & 0xC000_FFFF) != SpidevBus.spiIocMessage(0)) {
            return refuse("unknown ioctl 0x" + Integer.toHexString(request), EINVAL);
        }
        int size = (request >>> 16) & 0x3FFF;
        if (size % SpidevBus.TRANSFER_BYTES != 0 || size == 0) {
            return refuse("message size " + size + " is not n x 32", EINVAL);
        }
        int n = size / SpidevBus.TRANSFER_BYTES;
        long total = 0;
        for (int i = 0; i < n; i++) {
            int len = arg.getInt((long) i * SpidevBus.TRANSFER_BYTES + SpidevBus.LEN);
            total += (len + dmaAlignment - 1L) / dmaAlignment * dmaAlignment;
        }
        if (total > bufsiz) {
            return refuse("", 90); // EMSGSIZE: not a fault of the binding, it must halve
        }
        for (int i = 0; i < n; i++) {
            long t = (long) i * SpidevBus.TRANSFER_BYTES;
            long tx = arg.getLong(t + SpidevBus.TX_BUF);
            long rx = arg.getLong(t + SpidevBus.RX_BUF);
            int len = arg.getInt(t + SpidevBus.LEN);
            int speed = arg.getInt(t + SpidevBus.SPEED_HZ);
            int delay = arg.getShort(t + SpidevBus.DELAY_USECS) & 0xFFFF;
            int bits = arg.getByte(t + SpidevBus.BITS_PER_WORD) & 0xFF;
            int csChange = arg.getByte(t + SpidevBus.CS_CHANGE) & 0xFF;
            int txNbits = arg.getByte(t + SpidevBus.TX_NBITS) & 0xFF;
            int rxNbits = arg.getByte(t + SpidevBus.RX_NBITS) & 0xFF;
            int wordDelay = arg.getByte(t + SpidevBus.WORD_DELAY_USECS) & 0xFF;
            int pad = arg.getByte(t + SpidevBus.WORD_DELAY_USECS + 1) & 0xFF;
            if (len != 4 || tx == 0 || rx == 0 || speed != speedHz || delay != 0 || (bits != 8 && bits != 0)
                    || csChange > 1 || txNbits > 1 || rxNbits > 1 || wordDelay != 0 || pad != 0) {
                return refuse("transfer " + i + " of " + n + ": len=" + len + " tx=" + tx + " rx=" + rx + " speed=" + speed
                        + " delay=" + delay + " bits=" + bits + " cs_change=" + csChange + " nbits=" + txNbits + "/"
                        + rxNbits + " word_delay=" + wordDelay + " pad=" + pad, EINVAL);
            }
            if (mode != 0 || bitsPerWord != 8) {
                return refuse("SPI mode " + mode + ", " + bitsPerWord + " bits per word: the W5100 needs mode 0, 8", EINVAL);
            }
            csChangeSeen[i] = (byte) csChange;
            if (!selected) {
                chip.chipSelect(true);
                selected = true;
            }
            for (int b = 0; b < len; b++) {
                USER_MEMORY.setByte(rx + b, (byte) chip.shift(USER_MEMORY.getByte(tx + b)));
            }
            boolean last = i == n - 1;
            if (last ? csChange == 0 : csChange == 1) {
                chip.chipSelect(false);
                selected = false;
            }
            transfers++;
        }
        messages++;
        lastMessageLength = n;
        if (selected) {
            return refuse("message ended with chip-select asserted (cs_change = 1 on its last transfer)", EINVAL);
        }
        return n * 4;
    }

    private int refuse(String why, int errno) {
        refused++;
        if (!why.isEmpty()) {
            lastRefusal = why;
        }
        return -errno;
    }

    /** Messages (ioctls) that shifted frames. */
    public long messages() {
        return messages;
    }

    public long transfers() {
        return transfers;
    }

    /** Ioctls answered with an error (EMSGSIZE included). */
    public long refused() {
        return refused;
    }

    /** Why the last non-EMSGSIZE refusal happened ("" if none). */
    public String lastRefusal() {
        return lastRefusal;
    }

    /** cs_change of transfer {@code i} of the last message. */
    public int csChange(int i) {
        return csChangeSeen[i];
    }

    /** Transfers in the last message. */
    public int lastMessageLength() {
        return lastMessageLength;
    }

    public int speedHz() {
        return speedHz;
    }

    public boolean isOpen() {
        return open;
    }
}
