package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every register's reset value, as the datasheet gives it, read back over raw frames. */
class RegisterResetTest {

    /** Datasheet reset values, written out independently of {@link RegisterTable}: name, address, bytes. */
    static Stream<Arguments> datasheetResetValues() {
        List<Arguments> rows = new ArrayList<>();
        rows.add(Arguments.of("MR", 0x0000, new int[] {0x00}));
        rows.add(Arguments.of("GAR", 0x0001, new int[] {0, 0, 0, 0}));
        rows.add(Arguments.of("SUBR", 0x0005, new int[] {0, 0, 0, 0}));
        rows.add(Arguments.of("SHAR", 0x0009, new int[] {0, 0, 0, 0, 0, 0}));
        rows.add(Arguments.of("SIPR", 0x000F, new int[] {0, 0, 0, 0}));
        rows.add(Arguments.of("IR", 0x0015, new int[] {0x00}));
        rows.add(Arguments.of("IMR", 0x0016, new int[] {0x00}));
        rows.add(Arguments.of("RTR", 0x0017, new int[] {0x07, 0xD0}));
        rows.add(Arguments.of("RCR", 0x0019, new int[] {0x08}));
        rows.add(Arguments.of("RMSR", 0x001A, new int[] {0x55}));
        rows.add(Arguments.of("TMSR", 0x001B, new int[] {0x55}));
        rows.add(Arguments.of("PATR", 0x001C, new int[] {0, 0}));
        rows.add(Arguments.of("PTIMER", 0x0028, new int[] {0x28}));
        rows.add(Arguments.of("PMAGIC", 0x0029, new int[] {0x00}));
        rows.add(Arguments.of("UIPR", 0x002A, new int[] {0, 0, 0, 0}));
        rows.add(Arguments.of("UPORT", 0x002E, new int[] {0, 0}));
        for (int n = 0; n < 4; n++) {
            int b = 0x0400 + n * 0x100;
            String p = "S" + n + "_";
            rows.add(Arguments.of(p + "MR", b, new int[] {0x00}));
            rows.add(Arguments.of(p + "CR", b + 0x01, new int[] {0x00}));
            rows.add(Arguments.of(p + "IR", b + 0x02, new int[] {0x00}));
            rows.add(Arguments.of(p + "SR", b + 0x03, new int[] {0x00}));
            rows.add(Arguments.of(p + "PORT", b + 0x04, new int[] {0, 0}));
            rows.add(Arguments.of(p + "DHAR", b + 0x06, new int[] {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
            rows.add(Arguments.of(p + "DIPR", b + 0x0C, new int[] {0, 0, 0, 0}));
            rows.add(Arguments.of(p + "DPORT", b + 0x10, new int[] {0, 0}));
            rows.add(Arguments.of(p + "MSSR", b + 0x12, new int[] {0, 0}));
            rows.add(Arguments.of(p + "PROTO", b + 0x14, new int[] {0x00}));
            rows.add(Arguments.of(p + "TOS", b + 0x15, new int[] {0x00}));
            rows.add(Arguments.of(p + "TTL", b + 0x16, new int[] {0x80}));
            rows.add(Arguments.of(p + "TX_FSR", b + 0x20, new int[] {0x08, 0x00}));
            rows.add(Arguments.of(p + "TX_RD", b + 0x22, new int[] {0, 0}));
            rows.add(Arguments.of(p + "TX_WR", b + 0x24, new int[] {0, 0}));
            rows.add(Arguments.of(p + "RX_RSR", b + 0x26, new int[] {0, 0}));
            rows.add(Arguments.of(p + "RX_RD", b + 0x28, new int[] {0, 0}));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasheetResetValues")
    void registerReadsItsDatasheetResetValue(String name, int address, int[] expected) {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            Frames f = new Frames(sim);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], f.read(address + i), name + " byte " + i);
            }
            Register r = sim.registers().at(address);
            assertNotNull(r, name);
            assertEquals(name, r.name());
            assertEquals(expected.length, r.width(), name + " width");
            assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasheetResetValues")
    void softResetRestoresResetValueAfterScribbling(String name, int address, int[] expected) {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            Frames f = new Frames(sim);
            for (int i = 0; i < expected.length; i++) {
                if (!name.endsWith("CR") || name.equals("RCR")) {
                    if (!name.equals("MR") && !name.endsWith("_IR") && !name.equals("IR")) {
                        f.write(address + i, 0x5A ^ i);
                    }
                }
            }
            f.write(0x0000, 0x80);
            assertEquals(0x00, f.read(0x0000), "MR.RST self-clears");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], f.read(address + i), name + " byte " + i + " after soft reset");
            }
        }
    }

    @Test
    void reservedAddressesAreReportedNotIgnored() {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            Frames f = new Frames(sim);
            int[] reserved = {0x0013, 0x0014, 0x001E, 0x0027, 0x0030, 0x03FF, 0x0417, 0x042A, 0x04FF, 0x0800, 0x3FFF, 0x8000, 0xFFFF};
            for (int a : reserved) {
                assertNull(sim.registers().at(a), "0x" + Integer.toHexString(a));
                assertEquals(0, f.read(a));
                f.write(a, 0x12);
            }
            assertEquals(2L * reserved.length, sim.counters().unhandled());
            assertEquals(64, Math.max(64, sim.unhandledLog().size()));
            assertEquals(true, sim.unhandledLog().get(0).contains("0x0013"), sim.unhandledLog().get(0));
        }
    }

    @Test
    void tableDeclaresEveryRegisterOnceWithoutOverlap() {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            // 16 common registers + 17 per socket x 4
            assertEquals(16 + 17 * 4, sim.registers().all().size());
            assertEquals(0x07D0, sim.registers().named("RTR").resetValue());
            assertEquals(0xFFFF_FFFF_FFFFL, sim.registers().named("S3_DHAR").resetValue());
        }
    }
}
