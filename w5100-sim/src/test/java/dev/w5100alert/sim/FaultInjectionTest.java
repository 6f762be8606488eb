package dev.w5100alert.sim;

import static dev.w5100alert.sim.Chip.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each fault switch, seen over raw frames. */
class FaultInjectionTest {
    private final VirtualClock clock = new VirtualClock();
    private W5100Simulator sim;
    private ServerSocket server;
    private Socket peer;

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** An established connection on socket 0 to a real peer (returned). */
    private Socket established(Chip[] out) throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sim = new W5100Simulator(VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.getLocalPort()).build(),
                clock::nanoTime);
        Chip c = new Chip(sim).configure();
        c.open(0, 0x01, 40000);
        c.dest(0, 192, 168, 1, 10, 25);
        c.f.command(0, CONNECT);
        peer = server.accept();
        c.awaitStatus(0, ESTABLISHED);
        c.f.write(Frames.sreg(0, IR), 0xFF);
        out[0] = c;
        return peer;
    }

    @Test
    void injectedPeerResetClosesWithDisconAndTheRealPeerIsReset() throws Exception {
        Chip[] c = new Chip[1];
        try (Socket peer = established(c)) {
            sim.faults().resetPeer(0);
            assertEquals(CLOSED, c[0].status(0));
            assertEquals(DISCON_IR, c[0].f.interrupts(0));
            peer.setSoTimeout(20_000);
            try {
                assertEquals(-1, peer.getInputStream().read());
            } catch (SocketException expected) {
                // connection reset: what a real RST looks like from the peer's side
            }
        }
    }

    @Test
    void injectedPeerCloseGivesCloseWait() throws Exception {
        Chip[] c = new Chip[1];
        established(c);
        sim.faults().closePeer(0);
        assertEquals(CLOSE_WAIT, c[0].status(0));
        assertEquals(DISCON_IR, c[0].f.interrupts(0));
    }

    @Test
    void slowPeerDelaysSendOkByTheGivenVirtualTime() throws Exception {
        Chip[] cc = new Chip[1];
        try (Socket peer = established(cc)) {
            Chip c = cc[0];
            sim.faults().slowPeer(0, 500_000_000L);
            byte[] data = "slow".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < data.length; i++) {
                c.f.write(0x4000 + i, data[i]);
            }
            c.f.write16(Frames.sreg(0, TX_WR), data.length);
            c.f.command(0, SEND);
            assertEquals(0, c.f.interrupts(0) & SEND_OK);
            assertEquals(2048 - 4, c.f.read16(Frames.sreg(0, TX_FSR)), "unacknowledged data holds TX memory");
            clock.advanceMillis(499);
            assertEquals(0, c.f.interrupts(0) & SEND_OK);
            clock.advanceMillis(1);
            c.awaitInterrupt(0, SEND_OK);
            assertEquals(2048, c.f.read16(Frames.sreg(0, TX_FSR)));
            assertArrayEquals(data, peer.getInputStream().readNBytes(4));
        }
    }

    @Test
    void slowPeerSettingOutlivesReopeningTheSocket() throws Exception {
        Chip[] cc = new Chip[1];
        established(cc);
        Chip c = cc[0];
        sim.faults().slowPeer(0, 100_000_000L);
        c.f.command(0, CLOSE);
        c.open(0, 0x01, 40001);
        c.dest(0, 192, 168, 1, 10, 25);
        c.f.command(0, CONNECT);
        try (Socket second = server.accept()) {
            c.awaitStatus(0, ESTABLISHED);
            c.f.write(0x4000, 'y');
            c.f.write16(Frames.sreg(0, TX_WR), 1);
            c.f.command(0, SEND);
            assertEquals(0, c.f.interrupts(0) & SEND_OK, "still slow on the new connection");
            clock.advanceMillis(100);
            c.awaitInterrupt(0, SEND_OK);
            assertEquals('y', second.getInputStream().read());
        }
    }

    @Test
    void silentPeerNeverAcknowledgesAndTheSocketTimesOut() throws Exception {
        Chip[] cc = new Chip[1];
        established(cc);
        Chip c = cc[0];
        sim.faults().silencePeer(0);
        c.f.write(0x4000, 'x');
        c.f.write16(Frames.sreg(0, TX_WR), 1);
        c.f.command(0, SEND);
        clock.advanceMillis(31_799);
        assertEquals(ESTABLISHED, c.status(0));
        assertEquals(0, c.f.interrupts(0) & SEND_OK);
        clock.advanceMillis(1);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
    }

    @Test
    void keepAliveToASilentPeerTimesOutAndToALivePeerDoesNothing() throws Exception {
        Chip[] cc = new Chip[1];
        established(cc);
        Chip c = cc[0];
        c.f.command(0, 0x22); // SEND_KEEP
        clock.advanceMillis(60_000);
        assertEquals(ESTABLISHED, c.status(0), "a live peer acknowledges the probe");
        sim.faults().silencePeer(0);
        c.f.command(0, 0x22);
        clock.advanceMillis(31_799);
        assertEquals(ESTABLISHED, c.status(0));
        clock.advanceMillis(1);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
        assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
    }

    @Test
    void arpNoAnswerTimesOutEvenForADeclaredHost() {
        sim = new W5100Simulator(VirtualNetwork.builder().host("192.168.1.10").tcp(25, 2525).build(), clock::nanoTime);
        Chip c = new Chip(sim).configure();
        sim.faults().arpNoAnswer(true);
        c.open(0, 0x01, 40000);
        c.dest(0, 192, 168, 1, 10, 25);
        c.f.command(0, CONNECT);
        assertEquals(ARP, c.status(0));
        clock.advanceMillis(1800);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
    }

    @Test
    void stuckCommandRegisterNeverClearsAndNothingHappens() {
        sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime);
        Chip c = new Chip(sim);
        sim.faults().commandsStuck(true);
        c.f.write(Frames.sreg(0, MR), 0x01);
        c.f.command(0, OPEN);
        for (int i = 0; i < 100; i++) {
            assertEquals(OPEN, c.f.read(Frames.sreg(0, CR)));
        }
        assertEquals(CLOSED, c.status(0));
        sim.faults().commandsStuck(false);
        c.f.command(0, OPEN);
        assertEquals(0, c.f.read(Frames.sreg(0, CR)));
        assertEquals(INIT, c.status(0));
    }

    @ParameterizedTest(name = "MISO stuck at 0x{0}")
    @ValueSource(ints = {0x00, 0xFF})
    void stuckMisoAnswersTheSameByteForEverything(int value) {
        sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime);
        sim.faults().misoStuckAt(value);
        byte[] mosi = {0x0F, 0x00, 0x17, 0x00, (byte) 0xF0, 0x00, 0x00, (byte) 0x80};
        byte[] miso = new byte[8];
        sim.transfer(mosi, miso, 0, 2);
        for (byte b : miso) {
            assertEquals(value, b & 0xFF);
        }
        sim.faults().misoStuckAt(-1);
        assertEquals(0x07, new Frames(sim).read(0x0017), "the line heals; the chip was there all along");
        assertThrows(IllegalArgumentException.class, () -> sim.faults().misoStuckAt(256));
    }

    @Test
    void lostResetKeepsRstSetAndIgnoresHardwareReset() {
        sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime);
        Frames f = new Frames(sim);
        f.writeIp(0x000F, 192, 168, 1, 50);
        sim.faults().lostReset(true);
        f.write(0x0000, 0x80);
        for (int i = 0; i < 100; i++) {
            assertEquals(0x80, f.read(0x0000) & 0x80);
        }
        assertEquals(192, f.read(0x000F), "nothing was reset");
        sim.hardwareReset();
        assertEquals(192, f.read(0x000F), "hardware reset ignored too");
        sim.faults().lostReset(false);
        sim.hardwareReset();
        assertEquals(0, f.read(0x000F));
        assertEquals(0, f.read(0x0000));
    }

    @Test
    void peerFaultsApplyToLiveDataFlow() throws Exception {
        Chip[] cc = new Chip[1];
        try (Socket peer = established(cc)) {
            Chip c = cc[0];
            peer.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), c.receive(0, 3));
            c.send(0, "xyz".getBytes(StandardCharsets.US_ASCII));
            InputStream in = peer.getInputStream();
            assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), in.readNBytes(3));
            sim.faults().closePeer(0);
            c.send(0, "late".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("late".getBytes(StandardCharsets.US_ASCII), in.readNBytes(4), "half-closed: we still send");
            assertTrue((c.f.interrupts(0) & DISCON_IR) != 0);
        }
    }

    @Test
    void ipConflictSetsIrBit7UntilWrittenOneToClear() {
        sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime);
        Chip c = new Chip(sim).configure();
        c.f.write(0x0016, 0x80); // IMR: CONFLICT only
        assertEquals(0x00, c.f.read(0x0015));
        assertTrue(!sim.interruptAsserted());
        sim.faults().ipConflict();
        assertEquals(0x80, c.f.read(0x0015));
        assertTrue(sim.interruptAsserted(), "/INT follows IR & IMR");
        c.f.write(0x0015, 0x40); // clearing another bit leaves CONFLICT set
        assertEquals(0x80, c.f.read(0x0015));
        c.f.write(0x0015, 0x80);
        assertEquals(0x00, c.f.read(0x0015));
        assertTrue(!sim.interruptAsserted());
    }
}
