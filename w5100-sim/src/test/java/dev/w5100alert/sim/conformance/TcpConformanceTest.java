package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.MemorySplit;
import dev.w5100alert.hal.SocketFailure;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.hal.W5100Socket;
import dev.w5100alert.sim.VirtualNetwork;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The driver's TCP client against the simulator, with real loopback peers behind it. */
class TcpConformanceTest {

    static final long SECOND = 1_000_000_000L;

    static Stream<Arguments> sizesAndSplits() {
        int[] sizes = {1, 1000, 2049, 8193, 65536};
        int[] kb = {1, 2, 4, 8};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int k : kb) {
            for (int size : sizes) {
                b.add(Arguments.of(k, size));
            }
        }
        return b.build();
    }

    static MemorySplit split(int kbForSocket0) {
        return switch (kbForSocket0) {
            case 1 -> MemorySplit.kilobytes(1, 1, 1, 1);
            case 2 -> MemorySplit.EVEN;
            case 4 -> MemorySplit.kilobytes(4, 2, 1, 1);
            default -> MemorySplit.kilobytes(8, 1, 1, 1);
        };
    }

    /** Non-blocking pump: send what fits, read what is there, idle when neither moved. */
    static byte[] echo(Rig rig, TcpSocket s, byte[] data, long seed) {
        return pump(rig, s, data, 0, seed);
    }

    /** As {@link #echo}, when the first {@code alreadySent} bytes were sent by the caller. */
    static byte[] pump(Rig rig, TcpSocket s, byte[] data, int alreadySent, long seed) {
        byte[] back = new byte[data.length];
        int sent = alreadySent;
        int received = 0;
        long deadline = rig.clock.nanoTime() + 120 * SECOND;
        while (received < data.length) {
            int n = sent < data.length ? s.send(data, sent, data.length - sent) : 0;
            assertTrue(n >= 0, "send failed: " + s.failure() + " seed " + seed);
            sent += n;
            int r = s.receive(back, received, back.length - received);
            assertTrue(r >= 0, "receive ended early (" + r + ", " + s.failure() + ") seed " + seed);
            received += r;
            if (n == 0 && r == 0) {
                assertTrue(rig.clock.nanoTime() < deadline, "echo stalled at " + received + "/" + data.length + " seed " + seed);
                rig.clock.idle();
            }
        }
        return back;
    }

    static VirtualNetwork echoNet(LoopbackServers.Tcp server) {
        return VirtualNetwork.builder().host("192.168.1.10").tcp(7, server.port()).build();
    }

    @ParameterizedTest(name = "{0} KB socket buffers, {1} bytes")
    @MethodSource("sizesAndSplits")
    void echoesEveryByteAcrossTheRingEndAtEveryMemorySplit(int kb, int size) throws Exception {
        long seed = 0x7C9E0000L + kb * 100_000L + size;
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server)).up(split(kb))) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(kb * 1024, s.txBufferSize());
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            // shift the ring pointers first so even small transfers cross the end of the buffers
            byte[] pre = new byte[kb * 1024 - 3];
            assertArrayEquals(pre, echo(rig, s, pre, seed));
            assertArrayEquals(data, echo(rig, s, data, seed), "seed " + seed);
            assertTrue(s.close(5 * SECOND), "graceful close");
            assertEquals(0, rig.driver.socketsInUse());
            assertEquals(0, rig.sim.socketStatus(0), "chip socket CLOSED");
            assertEquals(0, rig.sim.counters().unhandled(), rig.sim.unhandledLog().toString());
        }
    }

    @Test
    void connectReportsUnreachableWhenArpInTheSubnetGetsNoAnswer() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY).up()) {
            TcpSocket s = rig.driver.openTcp();
            long start = rig.clock.nanoTime();
            assertEquals(ConnectOutcome.UNREACHABLE, s.connect(Ipv4.of(192, 168, 1, 99), 25, 30 * SECOND));
            long took = rig.clock.nanoTime() - start;
            assertTrue(took >= Rig.config(MemorySplit.EVEN).arpGiveUpNanos() && took < 3 * SECOND, "ARP time " + took);
            assertTrue(rig.driver.config().isOnLink(s.remoteIp()), "the host itself did not answer");
            assertClosed(rig, s);
        }
    }

    @Test
    void connectReportsUnreachableWhenTheGatewayIsNotThere() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.UNREACHABLE, s.connect(Ipv4.of(10, 20, 30, 40), 25, 30 * SECOND));
            assertEquals(SocketFailure.UNREACHABLE, s.failure());
            assertEquals(false, rig.driver.config().isOnLink(s.remoteIp()), "it was the gateway");
            assertClosed(rig, s);
        }
    }

    @Test
    void connectIsRefusedWhenNothingListensOnThePort() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(25, closedPort).build();
        try (Rig rig = new Rig(net).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.REFUSED, s.connect(Rig.SERVER, 25, 30 * SECOND));
            assertClosed(rig, s);
            TcpSocket t = rig.driver.openTcp();
            assertEquals(ConnectOutcome.REFUSED, t.connect(Rig.SERVER, 26, 30 * SECOND), "unmapped port");
            assertClosed(rig, t);
        }
    }

    @Test
    void connectTimesOutWhenTheHostNeverAnswersSyn() {
        VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").silent().build();
        try (Rig rig = new Rig(net)) {
            rig.driver.bringUp(Rig.config(MemorySplit.EVEN).withRetry(100, 2)); // 10 ms, 3 tries
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.TIMED_OUT, s.connect(Rig.SERVER, 25, 30 * SECOND));
            assertClosed(rig, s);
            TcpSocket t = rig.driver.openTcp();
            long start = rig.clock.nanoTime();
            assertEquals(ConnectOutcome.TIMED_OUT, t.connect(Rig.SERVER, 25, 20_000_000L), "caller's deadline first");
            assertTrue(rig.clock.nanoTime() - start <= 20_000_000L + 200_000L);
            assertClosed(rig, t);
        }
    }

    @Test
    void slowBusDoesNotTurnASynTimeoutIntoUnreachable() {
        // Each transfer takes 2 s (far slower than any real bus, so that the SYN phase of 70 ms and
        // ARP's 30 ms both fit between two polls): SYNSENT is never seen, and the driver must not
        // conclude from that that ARP failed.
        VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").silent().build();
        boolean[] slow = {false};
        ParkingVirtualClock[] clock = new ParkingVirtualClock[1];
        try (Rig rig = new Rig(net, sim -> (mosi, miso, offset, frames) -> {
            if (slow[0]) {
                clock[0].advance(2 * SECOND);
            }
            sim.transfer(mosi, miso, offset, frames);
        })) {
            clock[0] = rig.clock;
            rig.driver.bringUp(Rig.config(MemorySplit.EVEN).withRetry(100, 2)); // 10 ms, 3 tries
            TcpSocket s = rig.driver.openTcp();
            slow[0] = true;
            assertEquals(ConnectOutcome.TIMED_OUT, s.connect(Rig.SERVER, 25, 60 * SECOND));
            assertEquals(SocketFailure.TIMED_OUT, s.failure());
            assertClosed(rig, s);
        }
    }

    @Test
    void peerResetMidTransferFailsTheSocketAndFreesIt() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server)).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            byte[] half = LoopbackServers.pattern(1500);
            assertArrayEquals(half, echo(rig, s, half, 1));
            rig.sim.faults().resetPeer(s.socketNumber());
            byte[] buf = new byte[100];
            int r = 0;
            for (int i = 0; i < 100 && r >= 0; i++) {
                int n = s.send(buf, 0, buf.length);
                r = n < 0 ? n : s.receive(buf, 0, buf.length);
            }
            assertEquals(W5100Socket.FAILED, r);
            assertEquals(SocketFailure.RESET, s.failure());
            assertClosed(rig, s);
        }
    }

    @Test
    void peerCloseDeliversAllDataThenEndOfStream() throws Exception {
        byte[] expected = LoopbackServers.pattern(5000);
        try (LoopbackServers.Tcp server = LoopbackServers.source(expected.length);
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").tcp(7, server.port()).build()).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            byte[] got = new byte[expected.length + 10];
            int total = 0;
            int r;
            while ((r = s.receive(got, total, got.length - total, 30 * SECOND)) > 0) {
                total += r;
            }
            assertEquals(TcpSocket.EOF, r, "failure " + s.failure());
            assertArrayEquals(expected, Arrays.copyOf(got, total));
            assertTrue(s.close(5 * SECOND));
            assertClosed(rig, s);
        }
    }

    @Test
    void fourSocketsCarryTheirOwnStreamsAtOnce() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server)).up()) {
            TcpSocket[] s = new TcpSocket[4];
            byte[][] data = new byte[4][];
            byte[][] back = new byte[4][];
            int[] sent = new int[4];
            int[] got = new int[4];
            for (int i = 0; i < 4; i++) {
                s[i] = rig.driver.openTcp();
                s[i].connectStart(Rig.SERVER, 7, 10 * SECOND);
                data[i] = new byte[6000 + 1000 * i];
                new Random(0xF00L + i).nextBytes(data[i]);
                back[i] = new byte[data[i].length];
            }
            for (int i = 0; i < 4; i++) {
                ConnectOutcome o;
                while ((o = s[i].connectPoll()) == ConnectOutcome.IN_PROGRESS) {
                    rig.clock.idle();
                }
                assertEquals(ConnectOutcome.CONNECTED, o, "socket " + i);
            }
            long deadline = rig.clock.nanoTime() + 120 * SECOND;
            boolean done = false;
            while (!done) {
                done = true;
                boolean moved = false;
                for (int i = 0; i < 4; i++) {
                    if (sent[i] < data[i].length) {
                        int n = s[i].send(data[i], sent[i], Math.min(700, data[i].length - sent[i]));
                        assertTrue(n >= 0, "socket " + i + " " + s[i].failure());
                        sent[i] += n;
                        moved |= n > 0;
                    }
                    int r = s[i].receive(back[i], got[i], back[i].length - got[i]);
                    assertTrue(r >= 0, "socket " + i + " " + s[i].failure());
                    got[i] += r;
                    moved |= r > 0;
                    done &= got[i] == data[i].length;
                }
                if (!moved) {
                    assertTrue(rig.clock.nanoTime() < deadline, "stalled");
                    rig.clock.idle();
                }
            }
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(data[i], back[i], "socket " + i);
                assertTrue(s[i].close(5 * SECOND));
            }
            assertEquals(0, rig.driver.socketsInUse());
        }
    }

    @Test
    void chipThatStopsClearingSnCrFailsTheSendWithinItsDeadline() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server)).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            rig.sim.faults().commandsStuck(true);
            long start = rig.clock.nanoTime();
            assertEquals(W5100Socket.FAILED, s.send(new byte[64], 0, 64));
            long took = rig.clock.nanoTime() - start;
            assertEquals(SocketFailure.CHIP_ERROR, s.failure());
            // SEND, then the CLOSE on the way out: two command deadlines of 50 ms at most
            assertTrue(took <= 2 * 50_000_000L + 1_000_000L, "bounded by the command deadline: " + took);
            assertEquals(0, rig.driver.socketsInUse(), "slot released even though the chip is stuck");
        }
    }

    @Test
    void slowPeerDelaysSendOkAndSendTakesNothingMeanwhile() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server)).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            rig.sim.faults().slowPeer(s.socketNumber(), 50_000_000L); // SEND_OK 50 ms after SEND
            byte[] data = LoopbackServers.pattern(3000);
            assertEquals(2048, s.send(data, 0, data.length), "what fits in the 2 KB buffer");
            assertEquals(0, s.send(data, 2048, 952), "nothing more before SEND_OK");
            long start = rig.clock.nanoTime();
            assertArrayEquals(data, pump(rig, s, data, 2048, 3));
            assertTrue(rig.clock.nanoTime() - start >= 50_000_000L, "the second SEND waited for the first SEND_OK");
            assertTrue(s.close(5 * SECOND));
        }
    }

    @Test
    void silentPeerEndsTheConnectionWithTimeoutNotAHang() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo(); Rig rig = new Rig(echoNet(server))) {
            rig.driver.bringUp(Rig.config(MemorySplit.EVEN).withRetry(100, 2)); // chip gives up after 10+20+40 ms
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10 * SECOND));
            rig.sim.faults().silencePeer(s.socketNumber());
            long start = rig.clock.nanoTime();
            int result = s.sendFully(new byte[100], 0, 100, 30 * SECOND);
            assertEquals(W5100Socket.FAILED, result);
            assertEquals(SocketFailure.TIMED_OUT, s.failure());
            assertTrue(rig.clock.nanoTime() - start < 2 * SECOND, "ended by the chip's retransmission limit");
            assertClosed(rig, s);
        }
    }

    static void assertClosed(Rig rig, TcpSocket s) {
        assertEquals(false, s.isOpen());
        assertEquals(0, rig.driver.socketsInUse());
        assertEquals(0, rig.sim.socketStatus(s.socketNumber()), "chip socket CLOSED");
    }
}
