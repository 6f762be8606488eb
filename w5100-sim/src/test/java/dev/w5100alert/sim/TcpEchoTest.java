package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;

/** TCP client through a real loopback echo server, with data crossing the ring end at every buffer size. */
class TcpEchoTest {

    @ParameterizedTest(name = "{0} KB buffers, pointers from 0x{1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 0", "2, 0", "4, 0", "8, 0", "1, FFF0", "2, 7FFF", "4, FE01", "8, FFFF"})
    void echoCrossesTheRingEndAtEveryBufferSize(int kb, String pointerHex) throws Exception {
        int pointerStart = Integer.parseInt(pointerHex, 16);
        int code = Integer.numberOfTrailingZeros(kb);
        long seed = 0x5EED0000L + kb;
        Random random = new Random(seed);
        try (EchoServer echo = new EchoServer()) {
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build();
            VirtualClock clock = new VirtualClock();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                sim.faults().openPointersAt(pointerStart); // also wraps the 16-bit pointers themselves
                Chip chip = new Chip(sim).configure();
                // Only socket 0 gets memory when the size is 8 KB; the others are unused here.
                chip.f.write(0x001A, code);
                chip.f.write(0x001B, code);
                int size = kb * 1024;
                assertEquals(size, sim.bufferSize(0, true));
                assertEquals(size, sim.bufferSize(0, false));
                assertEquals(size, chip.f.read16(Frames.sreg(0, Chip.TX_FSR)));

                chip.open(0, 0x01, 40000);
                assertEquals(Chip.INIT, chip.status(0));
                assertEquals(pointerStart, chip.f.read16(Frames.sreg(0, Chip.TX_WR)));
                assertEquals(pointerStart, chip.f.read16(Frames.sreg(0, Chip.RX_RD)));
                chip.dest(0, 192, 168, 1, 10, 7);
                chip.f.command(0, Chip.CONNECT);
                assertEquals(0, chip.f.read(Frames.sreg(0, Chip.CR)), "Sn_CR reads 0 once accepted");
                chip.awaitStatus(0, Chip.ESTABLISHED);
                assertTrue((chip.f.interrupts(0) & Chip.CON) != 0);

                // Three rounds of 3/4 of the buffer: the second and third cross the end of both rings.
                int total = 0;
                for (int round = 0; round < 3; round++) {
                    byte[] data = new byte[size * 3 / 4 + random.nextInt(size / 8)];
                    random.nextBytes(data);
                    chip.send(0, data);
                    byte[] back = chip.receive(0, data.length);
                    assertArrayEquals(data, back, "round " + round + " seed " + seed);
                    total += data.length;
                }
                assertTrue(total > size * 2, "data crossed the ring end");
                assertEquals(size, chip.f.read16Stable(Frames.sreg(0, Chip.TX_FSR)), "all data acknowledged");
                assertEquals((pointerStart + total) & 0xFFFF, chip.f.read16(Frames.sreg(0, Chip.TX_RD)));

                chip.f.command(0, Chip.DISCON);
                chip.awaitStatus(0, Chip.CLOSED);
                assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
            }
        }
    }
}
