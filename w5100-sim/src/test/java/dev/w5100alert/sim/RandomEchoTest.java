package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: with a random memory split and random chunk sizes, bytes sent through two sockets at once
 * come back from the loopback echo server unchanged and in order.
 */
class RandomEchoTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 23, 57, 101, 977, 4242})
    void randomChunksThroughRandomBufferSplitsEchoUnchanged(long seed) throws Exception {
        Random r = new Random(seed);
        try (EchoServer echo = new EchoServer()) {
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build();
            try (W5100Simulator sim = new W5100Simulator(net, new VirtualClock()::nanoTime)) {
                Chip c = new Chip(sim).configure();
                // sockets 0 and 1 get 1, 2 or 4 KB each (at most 8 KB in total), the rest whatever fits
                int split = r.nextInt(3) | r.nextInt(3) << 2;
                c.f.write(0x001A, split);
                c.f.write(0x001B, r.nextInt(3) | r.nextInt(3) << 2);
                for (int s = 0; s < 2; s++) {
                    c.open(s, 0x01, 30000 + s);
                    c.dest(s, 192, 168, 1, 10, 7);
                    c.f.command(s, Chip.CONNECT);
                }
                for (int s = 0; s < 2; s++) {
                    c.awaitStatus(s, Chip.ESTABLISHED);
                }
                for (int round = 0; round < 6; round++) {
                    for (int s = 0; s < 2; s++) {
                        int max = Math.min(sim.bufferSize(s, true), sim.bufferSize(s, false));
                        byte[] data = new byte[1 + r.nextInt(max)];
                        r.nextBytes(data);
                        c.send(s, data);
                        assertArrayEquals(data, c.receive(s, data.length),
                                "seed " + seed + " round " + round + " socket " + s);
                    }
                }
            }
        }
    }
}
