package dev.w5100alert.hal.spidev;

import com.sun.jna.Memory;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.SpiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link SpiBus} on Linux spidev ({@code /dev/spidevB.C}) that hands a whole batch of W5100 frames to
 * the kernel in one {@code SPI_IOC_MESSAGE(n)} ioctl: every frame is its own 4-byte
 * {@code spi_ioc_transfer} with {@code cs_change = 1}, so chip-select rises after each frame, except on
 * the last transfer of a message, where {@code cs_change = 1} would leave chip-select asserted after the
 * message (spi.h); there the end of the message releases it.
 *
 * <p><b>Batch size.</b> spidev copies through a bounce buffer of {@code bufsiz} bytes (module parameter,
 * default 4096) and recent kernels count each transfer rounded up to the DMA alignment (128 bytes on
 * arm64), so a message carries at most {@code bufsiz / 128} frames (32 at the default); the ioctl number
 * has 14 bits of size, so never more than 511. When the kernel still answers EMSGSIZE the batch is halved
 * and the smaller size kept.
 *
 * <p><b>Memory.</b> Allocated once at open: n transfer structures, then n 4-byte TX slots, then n RX slots,
 * with each structure's {@code tx_buf}/{@code rx_buf}, {@code len}, {@code speed_hz},
 * {@code bits_per_word} and {@code cs_change} filled in. A transfer copies the frames in, flips the last
 * transfer's {@code cs_change}, makes the ioctl and copies the answer out: no allocation per call.
 *
 * <pre>
 * struct spi_ioc_transfer (linux/spi/spidev.h), 32 bytes, same on 32- and 64-bit:
 *  0 u64 tx_buf | 8 u64 rx_buf | 16 u32 len | 20 u32 speed_hz | 24 u16 delay_usecs | 26 u8 bits_per_word
 * 27 u8 cs_change | 28 u8 tx_nbits | 29 u8 rx_nbits | 30 u8 word_delay_usecs | 31 u8 pad
 * </pre>
 *
 * <p>Blocking (the ioctl returns when the frames are shifted). Not thread-safe.
 */
public final class SpidevBus implements SpiBus, AutoCloseable {

    // struct spi_ioc_transfer layout (linux/spi/spidev.h).
    public static final int TRANSFER_BYTES = 32;
    public static final int TX_BUF = 0;
    public static final int RX_BUF = 8;
    public static final int LEN = 16;
    public static final int SPEED_HZ = 20;
    public static final int DELAY_USECS = 24;
    public static final int BITS_PER_WORD = 26;
    public static final int CS_CHANGE = 27;
    public static final int TX_NBITS = 28;
    public static final int RX_NBITS = 29;
    public static final int WORD_DELAY_USECS = 30;

    /** The ioctl size field has 14 bits: 511 x 32 = 16352 is the largest message. */
    public static final int MAX_TRANSFERS = (1 << 14) / TRANSFER_BYTES - 1;
    /** What recent kernels round each transfer up to in spidev's bufsiz accounting (arm64). */
    public static final int DMA_ALIGNMENT = 128;
    public static final int DEFAULT_BUFSIZ = 4096;
    public static final Path BUFSIZ_PARAMETER = Path.of("/sys/module/spidev/parameters/bufsiz");

    // ioctl numbers, asm-generic _IOC encoding (arm, arm64, x86): dir << 30 | size << 16 | 'k' << 8 | nr.
    static final int IOC_WRITE = 1 << 30;
    static final int SPI_IOC_MAGIC = 'k';
    public static final int SPI_IOC_WR_MODE = IOC_WRITE | 1 << 16 | SPI_IOC_MAGIC << 8 | 1;
    public static final int SPI_IOC_WR_BITS_PER_WORD = IOC_WRITE | 1 << 16 | SPI_IOC_MAGIC << 8 | 3;
    public static final int SPI_IOC_WR_MAX_SPEED_HZ = IOC_WRITE | 4 << 16 | SPI_IOC_MAGIC << 8 | 4;

    /** {@code SPI_IOC_MESSAGE(n)}. */
    public static int spiIocMessage(int n) {
        return IOC_WRITE | (n * TRANSFER_BYTES) << 16 | SPI_IOC_MAGIC << 8;
    }

    static final int O_RDWR = 2;
    static final int EMSGSIZE = 90;

    private final SpidevNative os;
    private final String device;
    private final int fd;
    private final int capacity;
    private final Memory memory;
    private final int txArea;
    private final int rxArea;
    private int batch;
    private boolean closed;
    private long ioctls;
    private long frames;
    private int halvings;

    private SpidevBus(SpidevNative os, String device, int fd, int capacity, int speedHz) {
        this.os = os;
        this.device = device;
        this.fd = fd;
        this.capacity = capacity;
        this.batch = capacity;
        this.txArea = capacity * TRANSFER_BYTES;
        this.rxArea = txArea + capacity * FRAME_BYTES;
        this.memory = new Memory((long) rxArea + (long) capacity * FRAME_BYTES);
        memory.clear();
        long base = com.sun.jna.Pointer.nativeValue(memory);
        for (int i = 0; i < capacity; i++) {
            long t = (long) i * TRANSFER_BYTES;
            memory.setLong(t + TX_BUF, base + txArea + (long) i * FRAME_BYTES);
            memory.setLong(t + RX_BUF, base + rxArea + (long) i * FRAME_BYTES);
            memory.setInt(t + LEN, FRAME_BYTES);
            memory.setInt(t + SPEED_HZ, speedHz);
            memory.setByte(t + BITS_PER_WORD, (byte) 8);
            memory.setByte(t + CS_CHANGE, (byte) 1);
        }
    }

    /**
     * Opens {@code /dev/spidev<bus>.<chipSelect>}, sets mode 0, 8 bits per word and {@code speedHz}, and sizes
     * the batch from {@code bufsizParameter} ({@link #BUFSIZ_PARAMETER} on a Pi; 4096 if it cannot be read).
     *
     * @throws SpiException when the device cannot be opened or configured (the message names it and errno)
     */
    public static SpidevBus open(SpidevNative os, int bus, int chipSelect, int speedHz, Path bufsizParameter) {
        if (bus < 0 || chipSelect < 0 || speedHz <= 0) {
            throw new IllegalArgumentException("bus, chip select >= 0 and speed > 0 needed: " + bus + "." + chipSelect
                    + " @ " + speedHz + " Hz");
        }
        String device = "/dev/spidev" + bus + "." + chipSelect;
        int fd = os.open(device, O_RDWR);
        if (fd < 0) {
            throw new SpiException("cannot open " + device + ": errno " + -fd
                    + " (SPI enabled? user in group spi?)");
        }
        try (Memory arg = new Memory(4)) {
            arg.setByte(0, (byte) 0); // SPI mode 0
            check(os.ioctl(fd, SPI_IOC_WR_MODE, arg), device, "SPI_IOC_WR_MODE");
            arg.setByte(0, (byte) 8);
            check(os.ioctl(fd, SPI_IOC_WR_BITS_PER_WORD, arg), device, "SPI_IOC_WR_BITS_PER_WORD");
            arg.setInt(0, speedHz);
            check(os.ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, arg), device, "SPI_IOC_WR_MAX_SPEED_HZ");
        } catch (RuntimeException e) {
            os.close(fd);
            throw e;
        }
        return new SpidevBus(os, device, fd, framesPerMessage(readBufsiz(bufsizParameter)), speedHz);
    }

    /** Frames one message may carry for a given {@code bufsiz}: each 4-byte transfer counts as 128 bytes. */
    public static int framesPerMessage(int bufsiz) {
        int perTransfer = (FRAME_BYTES + DMA_ALIGNMENT - 1) / DMA_ALIGNMENT * DMA_ALIGNMENT;
        return Math.max(1, Math.min(MAX_TRANSFERS, bufsiz / perTransfer));
    }

    static int readBufsiz(Path parameter) {
        try {
            return Integer.parseInt(Files.readString(parameter, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return DEFAULT_BUFSIZ;
        }
    }

    private static void check(int r, String device, String what) {
        if (r < 0) {
            throw new SpiException(what + " on " + device + " failed: errno " + -r);
        }
    }

    @Override
    public void transfer(byte[] mosi, byte[] miso, int offset, int count) {
        if (count < 0 || offset < 0) {
            throw new IllegalArgumentException("offset and frames must be >= 0: offset=" + offset + " frames=" + count);
        }
        int end = offset + count * FRAME_BYTES;
        if (end > mosi.length || end > miso.length) {
            throw new IllegalArgumentException("arrays too short: need " + end + " bytes, mosi=" + mosi.length
                    + " miso=" + miso.length);
        }
        if (closed) {
            throw new SpiException(device + " is closed");
        }
        int p = offset;
        while (p < end) {
            int k = Math.min(batch, (end - p) / FRAME_BYTES);
            int bytes = k * FRAME_BYTES;
            memory.write(txArea, mosi, p, bytes);
            long last = (long) (k - 1) * TRANSFER_BYTES + CS_CHANGE;
            memory.setByte(last, (byte) 0); // the message's end releases chip-select
            int r = os.ioctl(fd, spiIocMessage(k), memory);
            memory.setByte(last, (byte) 1);
            if (r < 0) {
                if (-r == EMSGSIZE && k > 1) {
                    batch = k / 2; // the kernel's limit is lower than bufsiz said: remember the smaller size
                    halvings++;
                    continue;
                }
                throw new SpiException("SPI_IOC_MESSAGE(" + k + ") on " + device + " failed: errno " + -r);
            }
            memory.read(rxArea, miso, p, bytes);
            ioctls++;
            frames += k;
            p += bytes;
        }
    }

    /** Frames one ioctl carries at most now (after any EMSGSIZE halving). */
    public int framesPerIoctl() {
        return batch;
    }

    /** The batch size chosen at open, from bufsiz. */
    public int capacity() {
        return capacity;
    }

    public long ioctls() {
        return ioctls;
    }

    public long frames() {
        return frames;
    }

    /** How often EMSGSIZE made the batch smaller. */
    public int halvings() {
        return halvings;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            os.close(fd);
            memory.close();
        }
    }
}
