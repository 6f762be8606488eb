package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Property: UDP echo of random-sized datagrams at every buffer size; headers and payloads cross the
 * end of the RX ring (the header itself gets split) and come back intact.
 */
class UdpRingTest {

    @ParameterizedTest(name = "{0} KB, seed {1}")
    @CsvSource({"1, 5", "2, 6", "4, 7", "8, 8", "1, 99", "2, 1234"})
    void datagramsCrossTheRingEndIntact(int kb, long seed) throws Exception {
        Random r = new Random(seed);
        int code = Integer.numberOfTrailingZeros(kb);
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0))) {
            echo.setSoTimeout(20_000);
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").udp(7, echo.getLocalPort()).build();
            try (W5100Simulator sim = new W5100Simulator(net, new VirtualClock()::nanoTime)) {
                Chip c = new Chip(sim).configure();
                c.f.write(0x001A, code);
                c.f.write(0x001B, code);
                c.open(0, 0x02, 3000);
                c.dest(0, 192, 168, 1, 10, 7);
                int size = kb * 1024;
                long received = 0;
                int max = Math.min(1472, size - 8);
                for (int i = 0; i < 12; i++) {
                    byte[] data = new byte[1 + r.nextInt(max)];
                    r.nextBytes(data);
                    c.send(0, data);
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    echo.receive(p);
                    assertArrayEquals(data, Arrays.copyOf(p.getData(), p.getLength()), "seed " + seed + " #" + i);
                    echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    byte[] got = c.receive(0, 8 + data.length);
                    assertEquals(data.length, ((got[6] & 0xFF) << 8) | (got[7] & 0xFF), "length field, seed " + seed);
                    assertEquals(7, ((got[4] & 0xFF) << 8) | (got[5] & 0xFF), "source port, seed " + seed);
                    assertArrayEquals(data, Arrays.copyOfRange(got, 8, got.length), "seed " + seed + " #" + i);
                    received += got.length;
                }
                assertTrue(received > size, "the ring wrapped at least once (" + received + " bytes)");
                assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
            }
        }
    }
}
