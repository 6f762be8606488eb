package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Re-addressing a running chip (DHCP) and moving a UDP socket to another port (DNS source ports). */
class AddressingTest {

    final FakeChip chip = FakeChip.afterReset();
    final ManualClock clock = new ManualClock(100_000L);
    final W5100Driver driver = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);

    @Test
    void setAddressWritesGatewaySubnetAndSourceIpInOneTransferAndNothingWhenUnchanged() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.takeLog();
        int before = chip.transfers;
        driver.setAddress(Ipv4.of(10, 0, 0, 7), Ipv4.of(255, 255, 255, 0), Ipv4.of(10, 0, 0, 1));
        List<String> log = chip.takeLog();
        assertEquals(12, log.size());
        assertEquals("W 0001 0A", log.get(0));
        assertEquals("W 000F 0A", log.get(8));
        assertEquals("W 0012 07", log.get(11));
        assertEquals(before + 1, chip.transfers);
        assertEquals(Ipv4.of(10, 0, 0, 7), driver.address());
        assertTrue(driver.configurationIntact(), "compares with the address now written");
        chip.takeLog();
        driver.setAddress(Ipv4.of(10, 0, 0, 7), Ipv4.of(255, 255, 255, 0), Ipv4.of(10, 0, 0, 1));
        assertEquals(List.of(), chip.takeLog(), "a renewal that keeps the lease writes nothing");
    }

    @Test
    void whileUnaddressedTheHealthCheckTellsAResetChipByItsMac() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        driver.setAddress(0, 0, 0);
        assertTrue(driver.configurationIntact());
        for (int k = 0; k < 6; k++) {
            chip.mem[0x0009 + k] = 0; // what a reset leaves in SHAR
        }
        assertFalse(driver.configurationIntact());
    }

    @Test
    void sendStartReturnsAtOnceAndSendPollReportsSendOkOrAnArpTimeout() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0403] = 0x22;
        UdpSocket u = driver.openUdp(68);
        long before = clock.now;
        chip.script(0x0402, 0x00, 0x00, 0x10); // Sn_IR as the three polls read it
        assertEquals(1, u.sendStart(RegisterTrafficTest.PEER, 9, new byte[1], 0, 1));
        assertEquals(UdpSocket.PENDING, u.sendPoll());
        assertEquals(UdpSocket.PENDING, u.sendPoll());
        assertEquals(1, u.sendPoll());
        assertTrue(clock.now - before < RegisterTrafficTest.CONFIG.arpGiveUpNanos(), "no waiting inside");
        chip.script(0x0402, 0x00, 0x08); // TIMEOUT: nobody answered ARP
        assertEquals(1, u.sendStart(RegisterTrafficTest.PEER, 9, new byte[1], 0, 1));
        assertEquals(UdpSocket.PENDING, u.sendPoll());
        assertEquals(W5100Socket.FAILED, u.sendPoll());
        assertEquals(SocketFailure.UNREACHABLE, u.failure());
        assertTrue(u.isOpen(), "an ARP timeout leaves the UDP socket open");
    }

    @Test
    void rebindMovesTheSocketToAnotherPortOnTheSameSlot() {
        driver.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0403] = 0x22; // Sn_SR = UDP after OPEN
        UdpSocket u = driver.openUdp(5000);
        chip.takeLog();
        u.rebind(40001);
        List<String> log = chip.takeLog();
        assertTrue(log.contains("W 0401 10"), "CLOSE: " + log);
        assertTrue(log.contains("W 0404 9C") && log.contains("W 0405 41"), "Sn_PORT 40001: " + log);
        assertTrue(log.contains("W 0401 01"), "OPEN: " + log);
        assertEquals(40001, u.localPort());
        assertTrue(u.isOpen());
        assertEquals(1, driver.socketsInUse());
        assertEquals(0, u.socketNumber());
        chip.mem[0x0503] = 0x22;
        UdpSocket other = driver.openUdp(6000);
        assertEquals(1, other.socketNumber(), "the slot stayed taken by the rebound socket");
    }
}
