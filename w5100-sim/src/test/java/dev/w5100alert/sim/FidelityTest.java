package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the model follows what a real chip shows: raw SEND, ARP and handshake latency, UDP ARP and MTU, LISTEN order. */
class FidelityTest {

    final VirtualClock clock = new VirtualClock();

    private static final int IPRAW_MODE = 0x03, MACRAW_MODE = 0x04, PROTO = 0x14;

    @Test
    void sendOnIprawCompletesAndAnEchoRequestToAVirtualHostIsAnswered() {
        VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").build();
        try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
            Chip c = new Chip(sim).configure();
            c.f.write(Frames.sreg(0, PROTO), 1); // ICMP
            c.open(0, IPRAW_MODE, 0);
            assertEquals(0x32, c.status(0));
            c.dest(0, 192, 168, 1, 10, 0);
            byte[] echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
            int sum = checksum(echo);
            echo[2] = (byte) (sum >>> 8);
            echo[3] = (byte) sum;
            c.send(0, echo); // waits for SEND_OK
            byte[] got = c.receive(0, 6 + echo.length);
            assertEquals(192, got[0] & 0xFF);
            assertEquals(10, got[3] & 0xFF, "IPRAW header: the peer's address");
            assertEquals(echo.length, ((got[4] & 0xFF) << 8) | (got[5] & 0xFF), "and the size");
            byte[] reply = java.util.Arrays.copyOfRange(got, 6, got.length);
            assertEquals(0, reply[0], "echo reply");
            assertEquals(0x1234, ((reply[4] & 0xFF) << 8) | (reply[5] & 0xFF), "same identifier");
            assertEquals('g', reply[11], "same data");
            assertEquals(0, checksum(reply), "a valid checksum");
            assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
        }
    }

    @Test
    void sendOnMacrawCompletesAndIsReportedAsNotBridged() {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime)) {
            Chip c = new Chip(sim).configure();
            c.open(0, MACRAW_MODE, 0);
            assertEquals(0x42, c.status(0));
            c.send(0, new byte[60]);
            assertEquals(1, sim.counters().unhandled());
            assertTrue(sim.unhandledLog().get(0).contains("not bridged"), sim.unhandledLog().toString());
        }
    }

    @Test
    void connectShowsArpThenSynsentForTheirDefaultLatency() throws Exception {
        try (EchoServer echo = new EchoServer();
             W5100Simulator sim = new W5100Simulator(
                     VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build(), clock::nanoTime)) {
            Chip c = new Chip(sim).configure();
            sim.wireLatency(W5100Simulator.DEFAULT_ARP_NANOS, W5100Simulator.DEFAULT_HANDSHAKE_NANOS);
            c.open(0, 0x01, 4000);
            c.dest(0, 192, 168, 1, 10, 7);
            c.f.command(0, Chip.CONNECT);
            assertEquals(Chip.ARP, c.status(0));
            clock.advanceNanos(W5100Simulator.DEFAULT_ARP_NANOS);
            assertEquals(Chip.SYNSENT, c.status(0));
            clock.advanceNanos(W5100Simulator.DEFAULT_HANDSHAKE_NANOS - 1);
            assertEquals(Chip.SYNSENT, c.status(0), "still within the handshake's round trip");
            clock.advanceNanos(1);
            c.awaitStatus(0, Chip.ESTABLISHED);
            assertEquals(Chip.CON, c.f.interrupts(0) & Chip.CON);
        }
    }

    private List<String> udpStates(boolean arpCache) throws Exception {
        List<String> states = new ArrayList<>();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0))) {
            peer.setSoTimeout(20_000);
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").udp(7, peer.getLocalPort()).build();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                Chip c = new Chip(sim).configure();
                sim.wireLatency(W5100Simulator.DEFAULT_ARP_NANOS, 0).udpArpCache(arpCache);
                c.open(0, 0x02, 3000);
                c.dest(0, 192, 168, 1, 10, 7);
                for (int i = 0; i < 3; i++) {
                    sendStartOnly(c, new byte[] {(byte) i});
                    states.add(TraceFormat.status(c.status(0)));
                    clock.advanceNanos(W5100Simulator.DEFAULT_ARP_NANOS);
                    c.awaitInterrupt(0, Chip.SEND_OK);
                    c.f.write(Frames.sreg(0, Chip.IR), Chip.SEND_OK);
                    peer.receive(new DatagramPacket(new byte[16], 16));
                }
            }
        }
        return states;
    }

    private static void sendStartOnly(Chip c, byte[] data) {
        int size = c.sim.bufferSize(0, true);
        int base = c.sim.bufferBase(0, true);
        int wr = c.f.read16(Frames.sreg(0, Chip.TX_WR));
        for (int i = 0; i < data.length; i++) {
            c.f.write(base + ((wr + i) & (size - 1)), data[i] & 0xFF);
        }
        c.f.write16(Frames.sreg(0, Chip.TX_WR), (wr + data.length) & 0xFFFF);
        c.f.command(0, Chip.SEND);
    }

    @Test
    void udpArpsOnlyForANewDestinationUnlessTheSwitchIsOff() throws Exception {
        assertEquals(List.of("ARP", "UDP", "UDP"), udpStates(true), "W5200/W5500 behaviour (default)");
        assertEquals(List.of("ARP", "ARP", "ARP"), udpStates(false), "ARP before every SEND");
    }

    private List<Integer> datagramSizes(boolean split, int length) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0))) {
            peer.setSoTimeout(20_000);
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").udp(7, peer.getLocalPort()).build();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                Chip c = new Chip(sim).configure();
                sim.udpSplitAtMtu(split);
                c.memorySizes(2); // 4 KB each for sockets 0 and 1
                c.open(0, 0x02, 3000);
                c.dest(0, 192, 168, 1, 10, 7);
                byte[] data = new byte[length];
                for (int i = 0; i < length; i++) {
                    data[i] = (byte) i;
                }
                c.send(0, data);
                int total = 0;
                while (total < length) {
                    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                    peer.receive(p);
                    assertEquals((byte) total, p.getData()[0], "datagrams in order, data contiguous");
                    sizes.add(p.getLength());
                    total += p.getLength();
                }
                sizes.add(-(int) sim.counters().unhandled());
            }
        }
        return sizes;
    }

    @Test
    void aUdpSendOverTheMtuIsSplitUnlessTheSwitchIsOff() throws Exception {
        assertEquals(List.of(1472, 1472, 56, 0), datagramSizes(true, 3000), "sizes, then -unhandled");
        assertEquals(List.of(3000, -1), datagramSizes(false, 3000));
    }

    @Test
    void ofTwoSocketsListeningOnOnePortTheLowestNumberTakesTheConnection() throws Exception {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, clock::nanoTime)) {
            Chip c = new Chip(sim).configure();
            c.open(2, 0x01, 80);
            c.f.command(2, Chip.LISTEN);
            c.open(1, 0x01, 80);
            c.f.command(1, Chip.LISTEN);
            int real = sim.realTcpListenPort(80);
            try (Socket first = new Socket(VirtualNetwork.LOOPBACK, real)) {
                // Poll socket 2 first: it must still leave the connection to socket 1.
                Chip.awaitTrue(() -> c.status(2) == Chip.S_LISTEN && c.status(1) == Chip.ESTABLISHED,
                        () -> "S1 " + c.status(1) + " S2 " + c.status(2));
                try (Socket second = new Socket(VirtualNetwork.LOOPBACK, real)) {
                    Chip.awaitTrue(() -> c.status(2) == Chip.ESTABLISHED, () -> "S2 " + c.status(2));
                }
            }
        }
    }

    private static int checksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
