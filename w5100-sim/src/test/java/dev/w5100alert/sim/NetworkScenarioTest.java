package dev.w5100alert.sim;

import static dev.w5100alert.sim.Chip.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections through the virtual network: ARP, refused, reset, timeouts, LISTEN, UDP, four sockets. */
class NetworkScenarioTest {
    private final VirtualClock clock = new VirtualClock();
    private W5100Simulator sim;
    private EchoServer echo;

    @AfterEach
    void tearDown() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private Chip chip(VirtualNetwork net) {
        sim = new W5100Simulator(net, clock::nanoTime);
        return new Chip(sim).configure();
    }

    private void connect(Chip c, int s, int a, int b, int cc, int d, int port) {
        c.open(s, 0x01, 50000 + s);
        c.dest(s, a, b, cc, d, port);
        c.f.command(s, CONNECT);
    }

    @Test
    void connectTimesOutWhenArpGetsNoAnswer() {
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(7, 1).build());
        connect(c, 0, 192, 168, 1, 99, 7); // in subnet, not a declared host
        assertEquals(ARP, c.status(0));
        clock.advanceMillis(1799);
        assertEquals(ARP, c.status(0), "still resolving just before RTR x (RCR+1)");
        assertEquals(0, c.f.interrupts(0));
        clock.advanceMillis(1);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
    }

    @Test
    void arpTimeoutFollowsRtrAndRcr() {
        Chip c = chip(VirtualNetwork.EMPTY);
        c.f.write16(0x0017, 1000); // 100 ms
        c.f.write(0x0019, 2);     // 3 tries
        connect(c, 1, 192, 168, 1, 99, 7);
        clock.advanceMillis(299);
        assertEquals(ARP, c.status(1));
        clock.advanceMillis(1);
        assertEquals(CLOSED, c.status(1));
        assertEquals(TIMEOUT, c.f.interrupts(1));
    }

    @Test
    void offSubnetHostIsReachedThroughTheDeclaredGateway() throws Exception {
        echo = new EchoServer();
        Chip c = chip(VirtualNetwork.builder().host("10.1.2.3").tcp(80, echo.port()).gateway("192.168.1.1").build());
        connect(c, 0, 10, 1, 2, 3, 80);
        c.awaitStatus(0, ESTABLISHED);
        // DHAR holds the gateway's (virtual) MAC, not the far host's.
        assertEquals(0x02, c.f.read(Frames.sreg(0, 0x06)));
        assertEquals(192, c.f.read(Frames.sreg(0, 0x08)));
        assertEquals(1, c.f.read(Frames.sreg(0, 0x0B)));
        c.send(0, "ping".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), c.receive(0, 4));
    }

    @Test
    void offSubnetHostIsUnreachableWhenGarIsNotTheGateway() {
        Chip c = chip(VirtualNetwork.builder().host("10.1.2.3").tcp(80, 1).gateway("192.168.1.254").build());
        connect(c, 0, 10, 1, 2, 3, 80); // chip's GAR is 192.168.1.1
        clock.advanceMillis(1800);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
    }

    @Test
    void connectIsRefusedWhenTheHostHasNoSuchPort() {
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, 1).build());
        connect(c, 0, 192, 168, 1, 10, 26);
        assertEquals(CLOSED, c.status(0));
        assertEquals(DISCON_IR, c.f.interrupts(0), "RST: DISCON, never TIMEOUT");
    }

    @Test
    void connectIsRefusedWhenTheRealPortHasNoListener() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, deadPort).build());
        connect(c, 2, 192, 168, 1, 10, 25);
        c.awaitStatus(2, CLOSED);
        assertEquals(DISCON_IR, c.f.interrupts(2));
    }

    @Test
    void silentHostLeavesSynUnansweredUntilTheTcpTimeout() {
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.66").silent().build());
        connect(c, 0, 192, 168, 1, 66, 25);
        assertEquals(SYNSENT, c.status(0));
        clock.advanceMillis(31_799);
        assertEquals(SYNSENT, c.status(0), "retransmitting SYN for 31.8 s with RTR=2000, RCR=8");
        clock.advanceMillis(1);
        assertEquals(CLOSED, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
    }

    @Test
    void tcpTimeoutFollowsTheDoublingRule() {
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.66").silent().build());
        c.f.write16(0x0017, 0x4000); // 1.6384 s, doubles once to 0x8000 then holds (0x10000 > 0xFFFF)
        c.f.write(0x0019, 3);
        connect(c, 0, 192, 168, 1, 66, 25);
        long expectedMicros = (0x4000L + 0x8000L * 3) * 100; // 4 tries
        clock.advanceNanos(expectedMicros * 1000 - 1);
        assertEquals(SYNSENT, c.status(0));
        clock.advanceNanos(1);
        assertEquals(CLOSED, c.status(0));
    }

    @Test
    void peerResetClosesTheSocketWithDiscon() throws Exception {
        echo = new EchoServer();
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build());
        connect(c, 0, 192, 168, 1, 10, 7);
        c.awaitStatus(0, ESTABLISHED);
        c.send(0, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, c.receive(0, 3));
        echo.resetAll();
        c.awaitStatus(0, CLOSED);
        assertTrue((c.f.interrupts(0) & DISCON_IR) != 0);
        assertEquals(0, c.f.interrupts(0) & TIMEOUT);
    }

    @Test
    void peerCloseGivesCloseWaitThenDisconEndsIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.getLocalPort()).build());
            connect(c, 0, 192, 168, 1, 10, 25);
            try (Socket peer = server.accept()) {
                c.awaitStatus(0, ESTABLISHED);
                peer.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                peer.shutdownOutput();
                c.awaitStatus(0, CLOSE_WAIT);
                assertTrue((c.f.interrupts(0) & DISCON_IR) != 0);
                assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), c.receive(0, 3), "data before FIN stays readable");
                c.send(0, "ok".getBytes(StandardCharsets.US_ASCII)); // half-close: we may still send
                c.f.command(0, DISCON);
                assertEquals(LAST_ACK, c.status(0));
                c.awaitStatus(0, CLOSED);
                InputStream in = peer.getInputStream();
                assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), in.readNBytes(2));
                assertEquals(-1, in.read(), "peer sees our FIN");
            }
        }
    }

    @Test
    void disconGoesThroughFinWaitAndTimeWaitToClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.getLocalPort()).build());
            connect(c, 0, 192, 168, 1, 10, 25);
            try (Socket peer = server.accept()) {
                c.awaitStatus(0, ESTABLISHED);
                c.f.command(0, DISCON);
                assertEquals(FIN_WAIT, c.status(0));
                assertEquals(-1, peer.getInputStream().read(), "peer sees our FIN");
                peer.shutdownOutput();
                Chip.awaitTrue(() -> c.status(0) != FIN_WAIT, () -> "still FIN_WAIT");
                int seen = sim.socketStatus(0);
                assertTrue(seen == TIME_WAIT || seen == CLOSED, "after the peer's FIN: 0x" + Integer.toHexString(seen));
                c.awaitStatus(0, CLOSED);
                assertTrue((c.f.interrupts(0) & DISCON_IR) != 0);
            }
        }
    }

    @Test
    void finWaitEndsWithTimeoutWhenThePeerNeverCloses() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.getLocalPort()).build());
            connect(c, 0, 192, 168, 1, 10, 25);
            try (Socket peer = server.accept()) {
                c.awaitStatus(0, ESTABLISHED);
                c.f.command(0, DISCON);
                assertEquals(FIN_WAIT, c.status(0));
                clock.advanceMillis(31_800);
                assertEquals(CLOSED, c.status(0));
                assertEquals(TIMEOUT, c.f.interrupts(0) & TIMEOUT);
                assertTrue(peer.isConnected());
            }
        }
    }

    @Test
    void closeEndsAnEstablishedConnectionAtOnce() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.getLocalPort()).build());
            connect(c, 0, 192, 168, 1, 10, 25);
            try (Socket peer = server.accept()) {
                c.awaitStatus(0, ESTABLISHED);
                c.f.command(0, CLOSE);
                assertEquals(CLOSED, c.status(0));
                peer.setSoTimeout(20_000);
                try {
                    assertEquals(-1, peer.getInputStream().read());
                } catch (java.net.SocketException reset) {
                    // RST is what we send; either way the peer learns the connection is gone
                }
            }
        }
    }

    @Test
    void listenAcceptsAnIncomingLoopbackConnection() throws Exception {
        Chip c = chip(VirtualNetwork.builder().inboundPeer("192.168.1.77").build());
        c.open(1, 0x01, 8080);
        c.f.command(1, LISTEN);
        assertEquals(S_LISTEN, c.status(1));
        int real = sim.realTcpListenPort(8080);
        assertTrue(real > 0);
        assertEquals(-1, sim.realTcpListenPort(8081));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), real)) {
            c.awaitStatus(1, ESTABLISHED);
            assertEquals(CON, c.f.interrupts(1));
            assertEquals(192, c.f.read(Frames.sreg(1, 0x0C)));
            assertEquals(77, c.f.read(Frames.sreg(1, 0x0F)));
            assertEquals(client.getLocalPort(), c.f.read16(Frames.sreg(1, 0x10)));
            assertEquals(0x02, c.f.read(Frames.sreg(1, 0x06)), "DHAR holds the client's MAC, not the reset FF..FF");
            assertEquals(77, c.f.read(Frames.sreg(1, 0x0B)));
            OutputStream out = client.getOutputStream();
            out.write("HELO".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("HELO".getBytes(StandardCharsets.US_ASCII), c.receive(1, 4));
            c.send(1, "250".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("250".getBytes(StandardCharsets.US_ASCII), client.getInputStream().readNBytes(3));
            // The socket is taken: nobody listens on 8080 any more, a second client is refused.
            assertEquals(-1, sim.realTcpListenPort(8080));
            assertThrows(java.net.ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), real).close());
        }
        // Same chip port, same real port for the next LISTEN.
        c.f.command(1, CLOSE);
        c.open(1, 0x01, 8080);
        c.f.command(1, LISTEN);
        assertEquals(real, sim.realTcpListenPort(8080));
    }

    @Test
    void twoSocketsListeningOnOnePortEachTakeOneConnection() throws Exception {
        Chip c = chip(VirtualNetwork.EMPTY);
        for (int s = 0; s < 2; s++) {
            c.open(s, 0x01, 25);
            c.f.command(s, LISTEN);
        }
        int real = sim.realTcpListenPort(25);
        try (Socket a = new Socket(InetAddress.getLoopbackAddress(), real);
             Socket b = new Socket(InetAddress.getLoopbackAddress(), real)) {
            Chip.awaitTrue(() -> c.status(0) == ESTABLISHED && c.status(1) == ESTABLISHED,
                    () -> "S0 0x" + Integer.toHexString(c.status(0)) + " S1 0x" + Integer.toHexString(c.status(1)));
            assertEquals(-1, sim.realTcpListenPort(25));
            assertTrue(a.isConnected() && b.isConnected());
        }
    }

    @Test
    void closingTheOnlyListeningSocketRefusesNewConnections() throws Exception {
        Chip c = chip(VirtualNetwork.EMPTY);
        c.open(2, 0x01, 80);
        c.f.command(2, LISTEN);
        int real = sim.realTcpListenPort(80);
        assertTrue(real > 0);
        c.f.command(2, CLOSE);
        assertEquals(-1, sim.realTcpListenPort(80));
        assertThrows(java.net.ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), real).close());
    }

    @Test
    void answeredArpTakesTheConfiguredVirtualTime() throws Exception {
        echo = new EchoServer();
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).arpReplyNanos(2_000_000).build());
        connect(c, 0, 192, 168, 1, 10, 7);
        assertEquals(ARP, c.status(0));
        assertEquals(0xFF, c.f.read(Frames.sreg(0, 0x06)), "DHAR unchanged while resolving");
        clock.advanceMillis(2);
        c.awaitStatus(0, ESTABLISHED);
        assertEquals(0x02, c.f.read(Frames.sreg(0, 0x06)), "DHAR now holds the answer");
    }

    @Test
    void mssrShowsTheSmallerOfTheHostValueAndThePeersMss() throws Exception {
        echo = new EchoServer();
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).arpReplyNanos(0).build());
        int[][] writtenAndExpected = {{536, 536}, {0, 1460}, {9000, 1460}};
        for (int s = 0; s < writtenAndExpected.length; s++) {
            c.open(s, 0x01, 50000 + s);
            c.f.write16(Frames.sreg(s, 0x12), writtenAndExpected[s][0]);
            c.dest(s, 192, 168, 1, 10, 7);
            c.f.command(s, CONNECT);
            c.awaitStatus(s, ESTABLISHED);
            assertEquals(writtenAndExpected[s][1], c.f.read16(Frames.sreg(s, 0x12)),
                    "S" + s + "_MSSR after connecting with " + writtenAndExpected[s][0] + " written");
        }
    }

    @Test
    void udpDatagramWithoutRoomInTheRxBufferIsDropped() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Chip c = chip(VirtualNetwork.builder().inboundPeer("192.168.1.77").build());
            c.memorySizes(0); // 1 KB RX per socket
            c.open(0, 0x02, 5353);
            InetSocketAddress chip = new InetSocketAddress(InetAddress.getLoopbackAddress(), sim.realUdpPort(0));
            byte[] first = new byte[600];
            Arrays.fill(first, (byte) 'a');
            byte[] second = new byte[600];
            Arrays.fill(second, (byte) 'b');
            peer.send(new DatagramPacket(first, first.length, chip));
            peer.send(new DatagramPacket(second, second.length, chip));
            // 608 bytes are in; 608 more do not fit in the 416 left: the chip drops the second datagram.
            Chip.awaitTrue(() -> c.f.read16Stable(Frames.sreg(0, RX_RSR)) == 608 && sim.counters().droppedDatagrams() == 1,
                    () -> "RX_RSR=" + c.f.read16Stable(Frames.sreg(0, RX_RSR)) + " dropped=" + sim.counters().droppedDatagrams());
            assertArrayEquals(first, Arrays.copyOfRange(c.receive(0, 608), 8, 608));
            byte[] third = "third".getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(third, third.length, chip));
            byte[] got = c.receive(0, 8 + third.length);
            assertArrayEquals(third, Arrays.copyOfRange(got, 8, got.length), "the dropped datagram never comes later");
            assertEquals(0, c.f.read16Stable(Frames.sreg(0, RX_RSR)));
            assertEquals(1, sim.counters().droppedDatagrams());
        }
    }

    @Test
    void udpEchoCarriesTheEightByteHeader() throws Exception {
        try (DatagramSocket udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udpEcho.setSoTimeout(20_000);
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").udp(7, udpEcho.getLocalPort()).build());
            c.open(3, 0x02, 5353);
            assertEquals(UDP, c.status(3));
            c.dest(3, 192, 168, 1, 10, 7);
            byte[] payload = "hello udp".getBytes(StandardCharsets.US_ASCII);
            c.send(3, payload);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            udpEcho.receive(p);
            assertArrayEquals(payload, Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals(sim.realUdpPort(3), p.getPort());
            udpEcho.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            byte[] got = c.receive(3, 8 + payload.length);
            assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 1, 10, 0, 7, 0, (byte) payload.length},
                    Arrays.copyOf(got, 8), "source IP, source port, length");
            assertArrayEquals(payload, Arrays.copyOfRange(got, 8, got.length));
            assertEquals(UDP, c.status(3));
        }
    }

    @Test
    void sendMacSkipsArpAndDelivers() throws Exception {
        try (DatagramSocket udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udpEcho.setSoTimeout(20_000);
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").udp(7, udpEcho.getLocalPort()).build());
            sim.faults().arpNoAnswer(true); // SEND_MAC must not need ARP
            c.open(0, 0x02, 5353);
            c.dest(0, 192, 168, 1, 10, 7);
            c.f.write(0x4000, 'm');
            c.f.write16(Frames.sreg(0, TX_WR), 1);
            c.f.command(0, 0x21);
            assertEquals(UDP, c.status(0));
            assertEquals(SEND_OK, c.f.interrupts(0));
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            udpEcho.receive(p);
            assertEquals(1, p.getLength());
            assertEquals('m', p.getData()[0]);
        }
    }

    @Test
    void udpToAnUnmappedPortRaisesUnreachable() {
        Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").udp(7, 9).build());
        c.open(0, 0x02, 5353);
        c.dest(0, 192, 168, 1, 10, 1234);
        c.send(0, new byte[] {1});
        assertEquals(0x40, c.f.read(0x0015) & 0x40, "IR.UNREACH");
        assertEquals(10, c.f.read(0x002D));
        assertEquals(1234, c.f.read16(0x002E));
        c.f.write(0x0015, 0x40);
        assertEquals(0, c.f.read(0x0015) & 0x40, "write 1 to clear");
    }

    @Test
    void udpSendWithoutArpAnswerTimesOutAndStaysOpen() {
        Chip c = chip(VirtualNetwork.EMPTY);
        c.open(0, 0x02, 5353);
        c.dest(0, 192, 168, 1, 10, 7);
        c.f.write(Frames.sreg(0, 0x40 - 0x40 + 0x4000 - 0x0400), 0); // harmless TX memory write at 0x4000
        c.f.write16(Frames.sreg(0, TX_WR), 1);
        c.f.command(0, SEND);
        assertEquals(ARP, c.status(0));
        clock.advanceMillis(1800);
        assertEquals(UDP, c.status(0));
        assertEquals(TIMEOUT, c.f.interrupts(0));
        assertEquals(2048, c.f.read16(Frames.sreg(0, TX_FSR)));
    }

    @Test
    void fourSocketsWorkAtOnce() throws Exception {
        echo = new EchoServer();
        try (DatagramSocket udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udpEcho.setSoTimeout(20_000);
            Chip c = chip(VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port())
                    .udp(7, udpEcho.getLocalPort()).build());
            for (int s = 0; s < 3; s++) {
                connect(c, s, 192, 168, 1, 10, 7);
            }
            c.open(3, 0x02, 6000);
            c.dest(3, 192, 168, 1, 10, 7);
            for (int s = 0; s < 3; s++) {
                c.awaitStatus(s, ESTABLISHED);
            }
            for (int s = 0; s < 3; s++) {
                c.send(s, ("socket" + s).getBytes(StandardCharsets.US_ASCII));
            }
            c.send(3, "udp".getBytes(StandardCharsets.US_ASCII));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            udpEcho.receive(p);
            udpEcho.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            for (int s = 0; s < 3; s++) {
                assertArrayEquals(("socket" + s).getBytes(StandardCharsets.US_ASCII), c.receive(s, 7));
            }
            byte[] d = c.receive(3, 11);
            assertArrayEquals("udp".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(d, 8, 11));
            assertEquals(0x0F, c.f.read(0x0015) & 0x0F, "every socket has an interrupt pending");
        }
    }
}
