package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.SocketFailure;
import dev.w5100alert.hal.UdpSocket;
import dev.w5100alert.hal.W5100Socket;
import dev.w5100alert.sim.VirtualNetwork;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The driver's UDP socket against the simulator and a real loopback echo peer. */
class UdpConformanceTest {

    static int awaitDatagram(Rig rig, UdpSocket u, byte[] buf) {
        long deadline = rig.clock.nanoTime() + 30_000_000_000L;
        int n;
        while ((n = u.receive(buf, 0, buf.length)) == UdpSocket.NONE) {
            assertTrue(rig.clock.nanoTime() < deadline, "no datagram came back");
            rig.clock.idle();
        }
        return n;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void echoesDatagramsWithSourceAddressPortAndLength(long seed) throws Exception {
        Random random = new Random(seed);
        try (LoopbackServers.UdpEcho echo = new LoopbackServers.UdpEcho();
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").udp(7, echo.port()).build()).up()) {
            UdpSocket u = rig.driver.openUdp(4000);
            byte[] buf = new byte[2048];
            // enough datagrams of varied size that header and data cross the ring end several times
            for (int i = 0; i < 12; i++) {
                byte[] data = new byte[1 + random.nextInt(1400)];
                random.nextBytes(data);
                assertEquals(data.length, u.sendTo(Rig.SERVER, 7, data, 0, data.length), "seed " + seed);
                int n = awaitDatagram(rig, u, buf);
                assertEquals(data.length, n, "seed " + seed);
                assertArrayEquals(data, Arrays.copyOf(buf, n), "seed " + seed + " datagram " + i);
                assertEquals(Rig.SERVER, u.sourceIp());
                assertEquals(7, u.sourcePort());
                assertEquals(data.length, u.datagramLength());
            }
            u.close();
            assertEquals(0, rig.driver.socketsInUse());
            assertEquals(0, rig.sim.counters().unhandled(), rig.sim.unhandledLog().toString());
        }
    }

    @Test
    void longerDatagramIsTruncatedToTheCallersBufferAndTheRestDropped() throws Exception {
        try (LoopbackServers.UdpEcho echo = new LoopbackServers.UdpEcho();
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").udp(7, echo.port()).build()).up()) {
            UdpSocket u = rig.driver.openUdp(0);
            byte[] data = LoopbackServers.pattern(300);
            u.sendTo(Rig.SERVER, 7, data, 0, 300);
            u.sendTo(Rig.SERVER, 7, data, 0, 5);
            byte[] small = new byte[10];
            assertEquals(10, awaitDatagram(rig, u, small));
            assertEquals(300, u.datagramLength());
            assertArrayEquals(Arrays.copyOf(data, 10), small);
            assertEquals(5, awaitDatagram(rig, u, small), "the next datagram is intact");
            assertArrayEquals(Arrays.copyOf(data, 5), Arrays.copyOf(small, 5));
        }
    }

    @Test
    void sendToAnUnansweredAddressReportsUnreachableAndKeepsTheSocket() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY).up()) {
            UdpSocket u = rig.driver.openUdp(4000);
            assertEquals(W5100Socket.FAILED, u.sendTo(Ipv4.of(192, 168, 1, 99), 9, new byte[] {1}, 0, 1));
            assertEquals(SocketFailure.UNREACHABLE, u.failure());
            assertTrue(u.isOpen());
            assertThrows(IllegalArgumentException.class, () -> u.sendTo(Rig.SERVER, 9, new byte[1], 0, 0),
                    "zero-length SEND is never issued");
        }
    }
}
