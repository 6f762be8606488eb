package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Register traffic with /INT wired: IMR follows the sockets in use, RECV is cleared before RSR is read. */
class InterruptTrafficTest {

    final FakeChip chip = FakeChip.afterReset();
    final ManualClock clock = new ManualClock(100_000L);
    final W5100Driver driver = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);

    private TcpSocket connected() {
        driver.interruptsWired(true);
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.script(0x0403, 0x13);
        TcpSocket s = driver.openTcp();
        chip.mem[0x0403] = 0x17;
        s.connectStart(RegisterTrafficTest.PEER, 25, 5_000_000_000L);
        s.connectPoll();
        return s;
    }

    @Test
    void configureWritesImrAndOpeningASocketSetsItsBit() {
        driver.interruptsWired(true);
        driver.bringUp(RegisterTrafficTest.CONFIG);
        List<String> bringUp = chip.takeLog();
        assertEquals("W 0016 00", bringUp.get(bringUp.size() - 1), "IMR written with the (empty) mask last");
        chip.script(0x0403, 0x13);
        driver.openTcp();
        List<String> open = chip.takeLog();
        assertEquals("W 0016 01", open.get(open.size() - 1), "socket 0 in use: IMR bit 0");
        assertEquals(0x01, driver.interruptMask());
        chip.script(0x0503, 0x13);
        driver.openTcp();
        assertEquals(0x03, driver.interruptMask());
        assertEquals(0x03, chip.mem[0x0016]);
    }

    @Test
    void freeingTheSlotClearsItsImrBit() {
        TcpSocket s = connected();
        chip.takeLog();
        s.abort();
        List<String> log = chip.takeLog();
        assertEquals("W 0016 00", log.get(log.size() - 1));
        assertEquals(0, driver.interruptMask());
    }

    @Test
    void receiveClearsRecvBeforeReadingTheReceivedSize() {
        TcpSocket s = connected();
        chip.takeLog();
        assertEquals(0, s.receive(new byte[8], 0, 8));
        assertEquals(List.of("W 0402 04", "R 0403=17", "R 0426=00", "R 0427=00"),
                chip.takeLog(), "Sn_IR.RECV written 1 (cleared) first, then Sn_SR and Sn_RX_RSR");
    }

    @Test
    void withoutTheLineImrIsNeverWritten() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.script(0x0403, 0x13);
        driver.openTcp();
        assertTrue(chip.takeLog().stream().noneMatch(l -> l.startsWith("W 0016")));
        assertEquals(0, driver.interruptMask());
    }
}
