package dev.w5100alert.sim.spidev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.SpiException;
import dev.w5100alert.hal.spidev.EmulatedSpidev;
import dev.w5100alert.hal.spidev.SpidevBus;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spidev binding's messages, decoded from native memory by the emulated kernel, shifted through the model. */
class SpidevBindingTest {

    @TempDir
    Path dir;

    long now = 1;
    final W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> now);
    final EmulatedSpidev.ByteChip chip = new EmulatedSpidev.ByteChip() {
        @Override
        public void chipSelect(boolean selected) {
            sim.chipSelect(selected);
        }

        @Override
        public int shift(int byteIn) {
            return sim.shift(byteIn);
        }
    };

    @AfterEach
    void close() {
        sim.close();
    }

    private Path bufsiz(int bytes) throws Exception {
        Path p = dir.resolve("bufsiz");
        Files.writeString(p, bytes + "\n");
        return p;
    }

    /** {@code n} frames writing GAR..SHAR (0x0001..) with i, then {@code n} frames reading them back. */
    private static byte[] writes(int n) {
        byte[] b = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            b[4 * i] = (byte) 0xF0;
            b[4 * i + 2] = (byte) (1 + i % 18);
            b[4 * i + 3] = (byte) (0x40 + i);
        }
        return b;
    }

    private static byte[] reads(int n) {
        byte[] b = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            b[4 * i] = 0x0F;
            b[4 * i + 2] = (byte) (1 + i % 18);
        }
        return b;
    }

    @Test
    void layoutMatchesTheUapiStruct() {
        assertEquals(32, SpidevBus.TRANSFER_BYTES);
        assertEquals(0, SpidevBus.TX_BUF);
        assertEquals(8, SpidevBus.RX_BUF);
        assertEquals(16, SpidevBus.LEN);
        assertEquals(20, SpidevBus.SPEED_HZ);
        assertEquals(24, SpidevBus.DELAY_USECS);
        assertEquals(26, SpidevBus.BITS_PER_WORD);
        assertEquals(27, SpidevBus.CS_CHANGE);
        assertEquals(28, SpidevBus.TX_NBITS);
        assertEquals(29, SpidevBus.RX_NBITS);
        assertEquals(30, SpidevBus.WORD_DELAY_USECS);
        assertEquals(511, SpidevBus.MAX_TRANSFERS);
        // linux/spi/spidev.h: SPI_IOC_MESSAGE(1) = _IOW('k', 0, char[32]) = 0x40206B00; WR_MAX_SPEED_HZ = 0x40046B04.
        assertEquals(0x40206B00, SpidevBus.spiIocMessage(1));
        assertEquals(0x7FE06B00, SpidevBus.spiIocMessage(511));
        assertEquals(0x40016B01, SpidevBus.SPI_IOC_WR_MODE);
        assertEquals(0x40016B03, SpidevBus.SPI_IOC_WR_BITS_PER_WORD);
        assertEquals(0x40046B04, SpidevBus.SPI_IOC_WR_MAX_SPEED_HZ);
    }

    @Test
    void batchSizeComesFromBufsizWithEachTransferRoundedToTheDmaAlignment() {
        assertEquals(32, SpidevBus.framesPerMessage(4096));
        assertEquals(1, SpidevBus.framesPerMessage(64));
        assertEquals(511, SpidevBus.framesPerMessage(1 << 20), "never more than the ioctl number can say");
    }

    @Test
    void framesReachTheChipWithChipSelectReleasedBetweenThemAndNotAfterTheLast() throws Exception {
        EmulatedSpidev kernel = new EmulatedSpidev(chip, 4096, 128);
        try (SpidevBus bus = SpidevBus.open(kernel, 0, 0, 8_000_000, bufsiz(4096))) {
            assertEquals(8_000_000, kernel.speedHz());
            assertEquals(32, bus.framesPerIoctl());
            byte[] miso = new byte[100 * 4];
            bus.transfer(writes(100), miso, 0, 100);
            assertEquals(4, bus.ioctls(), "100 frames: 32 + 32 + 32 + 4");
            assertEquals(4, kernel.lastMessageLength());
            for (int i = 0; i < 3; i++) {
                assertEquals(1, kernel.csChange(i), "cs_change on transfer " + i);
            }
            assertEquals(0, kernel.csChange(3), "not on the last: it would keep chip-select asserted");
            assertEquals(0x03, miso[3], "a write answers 0x03 in its data byte");
            byte[] back = new byte[18 * 4];
            bus.transfer(reads(18), back, 0, 18);
            // The last write to each of 0x0001..0x0012 wins: frame 90..99 overwrote the first ten addresses.
            for (int i = 0; i < 18; i++) {
                int lastWriter = i + 18 * ((99 - i) / 18);
                assertEquals((byte) (0x40 + lastWriter), back[4 * i + 3], "register 0x" + Integer.toHexString(1 + i));
            }
            assertEquals(0, sim.counters().cutFrames());
            assertEquals(0, sim.counters().overrunBytes(), "chip-select rose after every frame");
            assertEquals(118, sim.counters().frames());
            assertEquals("", kernel.lastRefusal());
        }
        assertTrue(!kernel.isOpen(), "closed");
    }

    @Test
    void emsgsizeHalvesTheBatchAndTheSmallerSizeIsKept() throws Exception {
        EmulatedSpidev kernel = new EmulatedSpidev(chip, 4096, 128); // the kernel takes 32
        try (SpidevBus bus = SpidevBus.open(kernel, 0, 0, 1_000_000, bufsiz(16384))) { // bufsiz says 128
            assertEquals(128, bus.framesPerIoctl());
            bus.transfer(writes(128), new byte[512], 0, 128);
            assertEquals(32, bus.framesPerIoctl(), "128 -> 64 -> 32");
            assertEquals(2, bus.halvings());
            assertEquals(4, bus.ioctls());
            long refusedBefore = kernel.refused();
            bus.transfer(writes(64), new byte[256], 0, 64);
            assertEquals(refusedBefore, kernel.refused(), "remembered: no new EMSGSIZE");
            assertEquals(6, bus.ioctls());
            assertEquals(192, sim.counters().frames());
        }
    }

    @Test
    void aBatchAtAnOffsetOfTheArraysUsesJustThoseBytes() throws Exception {
        EmulatedSpidev kernel = new EmulatedSpidev(chip, 4096, 128);
        try (SpidevBus bus = SpidevBus.open(kernel, 0, 0, 8_000_000, bufsiz(4096))) {
            byte[] mosi = new byte[12];
            byte[] miso = new byte[12];
            System.arraycopy(reads(1), 0, mosi, 4, 4); // read GAR[0] from the middle frame only
            miso[0] = 0x55;
            miso[8] = 0x66;
            bus.transfer(mosi, miso, 4, 1);
            assertEquals(0x55, miso[0]);
            assertEquals(0x66, miso[8]);
            assertEquals(0x01, miso[5], "MISO header bytes 00 01 02");
            assertEquals(0x02, miso[6]);
            assertEquals(1, sim.counters().frames());
        }
    }

    @Test
    void aMissingDeviceIsAClearErrorNamingIt() {
        SpiException e = assertThrows(SpiException.class,
                () -> SpidevBus.open(new MissingDevice(), 0, 0, 8_000_000, dir.resolve("none")));
        assertTrue(e.getMessage().contains("/dev/spidev0.0"), e.getMessage());
    }

    /** A system without the device node. */
    static final class MissingDevice implements dev.w5100alert.hal.spidev.SpidevNative {
        @Override
        public int open(String path, int flags) {
            return -2;
        }

        @Override
        public int ioctl(int fd, int request, com.sun.jna.Pointer argument) {
            throw new AssertionError("no ioctl without a device");
        }

        @Override
        public int close(int fd) {
            return 0;
        }
    }

    @Test
    void aTransferAllocatesNothingAfterOpen() throws Exception {
        EmulatedSpidev kernel = new EmulatedSpidev(chip, 4096, 128);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        try (SpidevBus bus = SpidevBus.open(kernel, 0, 0, 8_000_000, bufsiz(4096))) {
            byte[] mosi = writes(40);
            byte[] miso = new byte[mosi.length];
            for (int i = 0; i < 20_000; i++) {
                bus.transfer(mosi, miso, 0, 40); // warm-up: JIT and JNA's first-call setup
            }
            long before = threads.getThreadAllocatedBytes(me);
            for (int i = 0; i < 10_000; i++) {
                bus.transfer(mosi, miso, 0, 40);
            }
            long bytes = threads.getThreadAllocatedBytes(me) - before;
            System.out.println("spidev binding: " + bytes + " bytes allocated over 10000 transfers (20000 ioctls), "
                    + bus.framesPerIoctl() + " frames per ioctl");
            assertEquals(0, bytes, "bytes allocated by 10000 transfers of 40 frames");
        }
    }
}
