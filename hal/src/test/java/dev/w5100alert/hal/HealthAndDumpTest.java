package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The liveness check the board's supervisor runs, and the read-only dump behind {@code diagnose}. */
class HealthAndDumpTest {

    final FakeChip chip = FakeChip.afterReset();
    final ManualClock clock = new ManualClock(100_000L);
    final W5100Driver driver = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);

    @Test
    void configurationIntactIsFalseBeforeBringUpAndSendsNothing() {
        assertFalse(driver.configurationIntact());
        assertEquals(List.of(), chip.takeLog());
    }

    @Test
    void configurationIntactReadsSourceIpAndSubnetInOneTransfer() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.takeLog();
        int before = chip.transfers;

        assertTrue(driver.configurationIntact());

        assertEquals(List.of("R 000F=C0", "R 0010=A8", "R 0011=01", "R 0012=0A",
                "R 0005=FF", "R 0006=FF", "R 0007=FF", "R 0008=00"), chip.takeLog());
        assertEquals(before + 1, chip.transfers);
    }

    @Test
    void configurationIntactIsFalseWhenTheChipLostItsAddress() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0012] = 0; // e.g. a brown-out reset cleared SIPR
        assertFalse(driver.configurationIntact());
    }

    /** The chip behind a wire that can go bad after bring-up. */
    enum Wire { GOOD, MISO_ALL_ONES, BUS_ERROR }

    Wire wire = Wire.GOOD;
    final SpiBus switchable = (mosi, miso, offset, frames) -> {
        switch (wire) {
            case GOOD -> chip.transfer(mosi, miso, offset, frames);
            case MISO_ALL_ONES -> java.util.Arrays.fill(miso, offset, offset + 4 * frames, (byte) 0xFF);
            case BUS_ERROR -> throw new SpiException("spidev gone");
        }
    };

    @Test
    void configurationIntactIsFalseWhenMisoStartsReadingAllOnes() {
        W5100Driver d = new W5100Driver(switchable, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        assertTrue(d.configurationIntact());
        wire = Wire.MISO_ALL_ONES;
        assertFalse(d.configurationIntact());
    }

    @Test
    void configurationIntactTurnsBusErrorsIntoFalse() {
        W5100Driver d = new W5100Driver(switchable, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        assertTrue(d.configurationIntact());
        wire = Wire.BUS_ERROR;
        assertFalse(d.configurationIntact());
    }

    @Test
    void readRegistersOnlyReadsAndReturnsTheBytes() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.takeLog();
        byte[] dst = new byte[2 + 0x30];
        driver.readRegisters(0x0000, dst, 2, 0x30);

        List<String> log = chip.takeLog();
        assertEquals(0x30, log.size());
        assertTrue(log.stream().allMatch(l -> l.startsWith("R ")), "read-only: " + log);
        byte[] expected = new byte[2 + 0x30];
        System.arraycopy(chip.mem, 0, expected, 2, 0x30);
        assertArrayEquals(expected, dst);
        assertEquals((byte) 0xC0, dst[2 + 0x0F], "SIPR first byte as configured");
    }

    @Test
    void readRegistersSplitsLongReadsIntoBoundedTransfers() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        int before = chip.transfers;
        byte[] dst = new byte[3000];
        driver.readRegisters(0x4000, dst, 0, dst.length);
        assertEquals(before + 3, chip.transfers, "1024 + 1024 + 952 frames");
    }

    @Test
    void readRegistersRejectsRangesOutsideTheChip() {
        byte[] dst = new byte[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> driver.readRegisters(0x7FF8, dst, 0, 16));
        assertTrue(e.getMessage().contains("0x7ff8"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> driver.readRegisters(0, dst, 10, 16));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> driver.readRegisters(0x0010, dst, 0, Integer.MAX_VALUE), "address + len must not overflow");
        assertTrue(huge.getMessage().contains("0x10"), huge.getMessage());
    }
}
