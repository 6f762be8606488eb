package dev.w5100alert.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiChipSelect;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiMode;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.SpiException;

/**
 * {@link SpiBus} over a Pi4J 3 {@link Spi} (linuxfs provider, {@code /dev/spidevB.C}), SPI mode 0.
 *
 * <p>Chip-select: Pi4J 3.0.3 offers no per-transfer {@code cs_change}, but every {@code Spi.transfer}
 * call is one ioctl with one {@code spi_ioc_transfer}, after which the kernel releases chip-select.
 * So this binding makes <b>one Pi4J transfer per 4-byte frame</b>, which gives the W5100 the
 * chip-select release it needs between frames.
 *
 * <p><b>Cost.</b> Pi4J 3.0.3's linuxfs {@code transfer} allocates on every call (a JNA {@code Memory}
 * for the data, a JNA {@code spi_ioc_transfer} structure, the {@code Object[]} varargs array of the
 * {@code ioctl} call, plus whatever JNA's call marshalling allocates) and makes one
 * {@code SPI_IOC_MESSAGE(1)} {@code ioctl} per call (checked with {@code javap -c} on
 * {@code LinuxFsSpi.transfer(byte[], int, byte[], int, int)}). When the ioctl fails, Pi4J logs the
 * error itself and returns -1, which this class turns into an {@link SpiException}. With one call per frame, an e-mail costs
 * thousands of small allocations and syscalls on the Pi. That cost is confined to this class: the
 * driver above hands over whole batches, so a later spidev binding with preallocated native memory
 * (one {@code SPI_IOC_MESSAGE(n)} per batch, {@code cs_change} set between frames) can replace this
 * class without touching the driver. This binding therefore does <em>not</em> keep
 * {@link SpiBus}'s no-allocation promise; the driver itself does.
 *
 * <p>Blocking: each call returns once every frame has been shifted. Not thread-safe.
 */
public final class Pi4jSpiBus implements SpiBus, AutoCloseable {

    /** The W5100 is specified up to 14 MHz on SPI in practice (Arduino's "safe for all chips"). */
    public static final int MAX_BAUD = 14_000_000;
    /** Linux spidev provider id in Pi4J 3.0.3. */
    public static final String PROVIDER = "linuxfs-spi";

    private final Spi spi;

    /** Wraps an already created and configured Pi4J {@link Spi} (mode 0, &lt;= 14 MHz). */
    public Pi4jSpiBus(Spi spi) {
        if (spi == null) {
            throw new IllegalArgumentException("spi is required");
        }
        this.spi = spi;
    }

    /**
     * Creates the Pi4J SPI device {@code /dev/spidev<bus>.<chipSelect>} in mode 0 through the linuxfs
     * provider.
     *
     * @param baud SPI clock in Hz, 1 .. {@link #MAX_BAUD}
     */
    public static Pi4jSpiBus open(Context pi4j, int bus, int chipSelect, int baud) {
        if (baud < 1 || baud > MAX_BAUD) {
            throw new IllegalArgumentException("SPI clock for the W5100 must be 1.." + MAX_BAUD + " Hz, not " + baud);
        }
        if (bus < 0 || chipSelect < 0) {
            throw new IllegalArgumentException("bus and chip select must be >= 0");
        }
        SpiConfig config = Spi.newConfigBuilder(pi4j)
                .id("w5100-spi" + bus + "-" + chipSelect)
                .name("W5100 SPI")
                .bus(bus)
                .chipSelect(SpiChipSelect.getByNumber(chipSelect))
                .mode(SpiMode.MODE_0)
                .baud(baud)
                .provider(PROVIDER)
                .build();
        return new Pi4jSpiBus(pi4j.create(config));
    }

    @Override
    public void transfer(byte[] mosi, byte[] miso, int offset, int frames) {
        if (frames < 0 || offset < 0) {
            throw new IllegalArgumentException("negative offset or frame count");
        }
        int end = offset + frames * FRAME_BYTES;
        if (end > mosi.length || end > miso.length) {
            throw new IllegalArgumentException("arrays too short for " + frames + " frames at offset " + offset);
        }
        for (int at = offset; at < end; at += FRAME_BYTES) {
            int n;
            try {
                // one transfer = one ioctl = chip-select low for these 4 bytes only
                n = spi.transfer(mosi, at, miso, at, FRAME_BYTES);
            } catch (RuntimeException e) {
                throw new SpiException("SPI transfer failed: " + e.getMessage(), e);
            }
            if (n != FRAME_BYTES) {
                throw new SpiException("SPI transfer moved " + n + " bytes instead of " + FRAME_BYTES);
            }
        }
    }

    /** Closes the Pi4J device. */
    @Override
    public void close() {
        spi.close();
    }
}
