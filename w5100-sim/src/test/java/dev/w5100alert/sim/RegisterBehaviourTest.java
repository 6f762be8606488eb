package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Register semantics: read-only, write-1-to-clear, IR from the sockets, memory layout, soft reset. */
class RegisterBehaviourTest {
    private final VirtualClock clock = new VirtualClock();
    private final W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime);
    private final Frames f = new Frames(sim);

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(ints = {0x001C, 0x001D, 0x002A, 0x002D, 0x002E, 0x002F, 0x0403, 0x0420, 0x0421, 0x0422, 0x0423,
        0x0426, 0x0427, 0x0720, 0x0703})
    void writesToReadOnlyRegistersAreIgnoredAndCounted(int address) {
        int before = f.read(address);
        f.write(address, before ^ 0xFF);
        assertEquals(before, f.read(address));
        assertEquals(1, sim.counters().readOnlyWrites());
    }

    @Test
    void socketCommandReadsZeroOnceAccepted() {
        for (int s = 0; s < 4; s++) {
            f.write(Frames.sreg(s, 0x00), 0x01);
            f.command(s, 0x01);
            assertEquals(0, f.read(Frames.sreg(s, 0x01)), "S" + s + "_CR");
            assertEquals(0x13, f.status(s));
        }
        assertEquals(4, sim.counters().commands());
    }

    @Test
    void socketInterruptIsWriteOneToClearAndIrMirrorsTheSockets() {
        // ARP with no hosts at all: TIMEOUT after 1.8 s (virtual) on sockets 1 and 3.
        for (int s : new int[] {1, 3}) {
            f.write(Frames.sreg(s, 0x00), 0x01);
            f.command(s, 0x01);
            f.writeIp(Frames.sreg(s, 0x0C), 10, 0, 0, 1);
            f.write16(Frames.sreg(s, 0x10), 80);
            f.command(s, 0x04);
        }
        assertEquals(0x00, f.read(0x0015));
        clock.advanceMillis(1800);
        assertEquals(0x0A, f.read(0x0015), "IR shows S1 and S3");
        assertEquals(0x08, f.interrupts(1));
        f.write(0x0015, 0x0F); // socket bits of IR are read-only: cleared via Sn_IR only
        assertEquals(0x0A, f.read(0x0015));
        f.write(Frames.sreg(1, 0x02), 0x01); // writing 1 to a clear bit changes nothing
        assertEquals(0x08, f.interrupts(1));
        f.write(Frames.sreg(1, 0x02), 0x08);
        assertEquals(0x00, f.interrupts(1));
        assertEquals(0x08, f.read(0x0015), "only S3 left");
        f.write(Frames.sreg(3, 0x02), 0xFF);
        assertEquals(0x00, f.read(0x0015));
    }

    @Test
    void interruptPinFollowsIrAndImr() {
        f.write(Frames.sreg(2, 0x00), 0x01);
        f.command(2, 0x01);
        f.writeIp(Frames.sreg(2, 0x0C), 10, 0, 0, 1);
        f.command(2, 0x04);
        clock.advanceMillis(2000);
        assertEquals(0x04, f.read(0x0015));
        assertFalse(sim.interruptAsserted(), "IMR masks everything by default");
        f.write(0x0016, 0x04);
        assertTrue(sim.interruptAsserted());
        f.write(0x0016, 0x01);
        assertFalse(sim.interruptAsserted());
    }

    static IntStream allSizeCodes() {
        return IntStream.range(0, 256);
    }

    /**
     * Every RMSR/TMSR value: socket n starts after the sizes of sockets 0..n-1 (datasheet: assigned
     * sequentially from socket 0); a socket that would end beyond 8 KB gets none, and so does every
     * later one, however small (e.g. 0x0E: S0 4 KB, S1 8 KB does not fit, S2 and S3 get nothing).
     */
    @ParameterizedTest(name = "0x{0}")
    @MethodSource("allSizeCodes")
    void memorySplitFollowsRmsrAndTmsr(int value) {
        f.write(0x001A, value);
        f.write(0x001B, value ^ 0xFF);
        checkLayout(value, false, 0x6000);
        checkLayout(value ^ 0xFF, true, 0x4000);
        assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
    }

    private void checkLayout(int value, boolean tx, int region) {
        int next = region;
        for (int s = 0; s < 4; s++) {
            int size = 1024 << ((value >> (2 * s)) & 3);
            int expected = next + size <= region + 0x2000 ? size : 0;
            assertEquals(expected, sim.bufferSize(s, tx), (tx ? "TX" : "RX") + " size of S" + s + " for 0x"
                    + Integer.toHexString(value));
            if (expected > 0) {
                assertEquals(next, sim.bufferBase(s, tx), (tx ? "TX" : "RX") + " base of S" + s);
            }
            next += size;
            if (tx) {
                assertEquals(expected, f.read16(Frames.sreg(s, 0x20)), "S" + s + "_TX_FSR");
            }
        }
    }

    @Test
    void softResetClearsItselfAndClosesSockets() {
        f.write(Frames.sreg(0, 0x00), 0x02);
        f.command(0, 0x01);
        assertEquals(0x22, f.status(0));
        int udpPort = sim.realUdpPort(0);
        assertTrue(udpPort > 0);
        f.write(0x0000, 0x80);
        assertEquals(0x00, f.read(0x0000));
        assertEquals(0x00, f.status(0));
        assertEquals(-1, sim.realUdpPort(0));
    }

    @Test
    void modeRegisterKeepsItsBitsButNotRst() {
        f.write(0x0000, 0x13); // PB | AI | IND
        assertEquals(0x13, f.read(0x0000));
        f.write(0x0000, 0x08);
        assertEquals(1, sim.counters().unhandled(), "PPPoE is reported as not modelled");
    }

    @Test
    void hardwareResetRestoresRegistersAndSockets() {
        f.writeIp(0x000F, 192, 168, 1, 50);
        f.write(Frames.sreg(0, 0x00), 0x01);
        f.command(0, 0x01);
        sim.setResetAsserted(true);
        assertEquals(0x00, sim.shift(0x0F), "bus ignored while /RESET is low");
        sim.setResetAsserted(false);
        assertEquals(0, f.read(0x000F));
        assertEquals(0x00, f.status(0));
        f.writeIp(0x000F, 1, 2, 3, 4);
        sim.hardwareReset();
        assertEquals(0, f.read(0x0010));
    }

    @Test
    void txWriteAndRxReadPointersAreTakenOnlyByTheirCommand() {
        f.write(Frames.sreg(0, 0x00), 0x01);
        f.command(0, 0x01);
        f.write16(Frames.sreg(0, 0x24), 0x0123);
        assertEquals(0x0123, f.read16(Frames.sreg(0, 0x24)), "TX_WR reads back what was written");
        assertEquals(0x0800, f.read16(Frames.sreg(0, 0x20)), "TX_FSR unchanged until SEND");
        assertEquals(0x0000, f.read16(Frames.sreg(0, 0x22)));
    }
}
