package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SPI side as a byte state machine: one byte in, one out; chip-select release ends a frame. */
class SpiStateMachineTest {
    private final W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L);

    private int[] shiftFrame(int... bytes) {
        int[] out = new int[bytes.length];
        sim.chipSelect(true);
        for (int i = 0; i < bytes.length; i++) {
            out[i] = sim.shift(bytes[i]);
        }
        sim.chipSelect(false);
        return out;
    }

    @Test
    void writeFrameAnswersZeroOneTwoThenThree() {
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0x03}, shiftFrame(0xF0, 0x00, 0x01, 0xC0));
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0xC0}, shiftFrame(0x0F, 0x00, 0x01, 0x00));
    }

    @Test
    void readFrameReturnsTheDataInTheFourthByte() {
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0x07}, shiftFrame(0x0F, 0x00, 0x17, 0x00));
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0xD0}, shiftFrame(0x0F, 0x00, 0x18, 0xAA));
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {1, 2, 3})
    void frameCutShortByChipSelectIsDiscarded(int bytes) {
        int[] frame = {0xF0, 0x00, 0x01, 0x77};
        sim.chipSelect(true);
        for (int i = 0; i < bytes; i++) {
            sim.shift(frame[i]);
        }
        sim.chipSelect(false);
        assertEquals(1, sim.counters().cutFrames());
        assertEquals(0, sim.counters().frames());
        // The position restarted: the next full frame is decoded from its first byte.
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0x00}, shiftFrame(0x0F, 0x00, 0x01, 0x00));
    }

    @Test
    void chipSelectReleaseBeforeDataByteDoesNotWrite() {
        sim.chipSelect(true);
        sim.shift(0xF0);
        sim.shift(0x00);
        sim.shift(0x01);
        sim.chipSelect(false);
        sim.chipSelect(true);
        sim.shift(0x55); // would be the data byte of the cut frame
        sim.shift(0x00);
        sim.shift(0x01);
        sim.shift(0x00);
        sim.chipSelect(false);
        assertEquals(0x00, shiftFrame(0x0F, 0x00, 0x01, 0)[3], "GAR untouched");
        assertEquals(1, sim.counters().badOpcodes());
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x00, 0x0E, 0xF1, 0xFF, 0x55, 0xAA})
    void badOpcodeIsIgnored(int opcode) {
        int[] out = shiftFrame(opcode, 0x00, 0x01, 0x99);
        assertEquals(0x00, out[3]);
        assertEquals(0x00, shiftFrame(0x0F, 0x00, 0x01, 0)[3], "GAR not written");
        assertEquals(1, sim.counters().badOpcodes());
    }

    @Test
    void bytesBeyondTheFourthAreIgnoredAndReported() {
        sim.chipSelect(true);
        for (int b : new int[] {0xF0, 0x00, 0x01, 0x11, 0xF0, 0x00, 0x02, 0x22}) {
            sim.shift(b);
        }
        sim.chipSelect(false);
        assertEquals(0x11, shiftFrame(0x0F, 0x00, 0x01, 0)[3]);
        assertEquals(0x00, shiftFrame(0x0F, 0x00, 0x02, 0)[3], "second frame without CS release ignored");
        assertEquals(4, sim.counters().overrunBytes());
        assertEquals(4, sim.counters().unhandled());
    }

    @Test
    void byteWithChipSelectReleasedIsReported() {
        assertEquals(0x00, sim.shift(0x0F));
        assertEquals(1, sim.counters().unhandled());
        assertEquals(0, sim.counters().frames());
    }

    @Test
    void transferAcceptsTheSameArrayForMosiAndMiso() {
        byte[] buf = {(byte) 0xF0, 0x00, 0x0F, (byte) 192, 0x0F, 0x00, 0x0F, 0x00};
        sim.transfer(buf, buf, 0, 2);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 0, 1, 2, (byte) 192}, buf);
        assertEquals(2, sim.counters().frames());
        assertEquals(1, sim.counters().writes("SIPR"));
        assertEquals(1, sim.counters().reads("SIPR"));
    }

    @Test
    void transferHonoursOffsetAndRejectsShortArrays() {
        byte[] mosi = {9, 9, 0x0F, 0x00, 0x19, 0x00};
        byte[] miso = new byte[6];
        sim.transfer(mosi, miso, 2, 1);
        assertEquals(0x08, miso[5]);
        assertEquals(0, miso[0]);
        assertThrows(IllegalArgumentException.class, () -> sim.transfer(mosi, miso, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> sim.transfer(mosi, new byte[3], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> sim.transfer(mosi, miso, 0, -1));
    }

    /** Property: random writes to plain read/write registers read back; the counters add up. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234567, 0xC0FFEE})
    void randomWritesToReadWriteRegistersReadBack(long seed) {
        Random r = new Random(seed);
        int[] rw = {0x0001, 0x0005, 0x0009, 0x000F, 0x0016, 0x0017, 0x0019, 0x0028, 0x0029};
        int[] sockRw = {0x00, 0x04, 0x06, 0x0C, 0x10, 0x12, 0x14, 0x15, 0x16, 0x24, 0x28};
        int[] shadow = new int[0x8000];
        boolean[] known = new boolean[0x8000];
        Frames f = new Frames(sim);
        for (int i = 0; i < 2000; i++) {
            int a;
            int pick = r.nextInt(3);
            if (pick == 0) {
                a = rw[r.nextInt(rw.length)] + r.nextInt(2);
                if (a == 0x0017 + 2 || a == 0x0019 + 1 || a == 0x0016 + 1 || a == 0x0028 + 1 || a == 0x0029 + 1) {
                    a--;
                }
            } else if (pick == 1) {
                a = 0x0400 + r.nextInt(4) * 0x100 + sockRw[r.nextInt(sockRw.length)];
            } else {
                a = 0x4000 + r.nextInt(0x4000);
            }
            if (r.nextBoolean()) {
                int v = r.nextInt(256);
                f.write(a, v);
                shadow[a] = v;
                known[a] = true;
            } else if (known[a]) {
                assertEquals(shadow[a], f.read(a), "seed " + seed + " step " + i + " address 0x" + Integer.toHexString(a));
            }
        }
        SimCounters c = sim.counters();
        assertEquals(c.frames(), c.reads() + c.writes(), "seed " + seed);
        assertEquals(0, c.unhandled(), "seed " + seed + " " + sim.unhandledLog());
    }

    /** Property: random byte garbage with random chip-select edges never breaks the next clean frame. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 99, 2024, 31337})
    void randomGarbageNeverDesynchronisesTheNextFrame(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 500; i++) {
            if (r.nextInt(4) == 0) {
                sim.chipSelect(r.nextBoolean());
            }
            int op = r.nextInt(3) == 0 ? 0xF0 : r.nextInt(256);
            int hi = r.nextInt(3) == 0 ? 0x00 : r.nextInt(256);
            // keep garbage away from MR and socket commands so the chip state is not what we test here
            if (op == 0xF0 && hi < 0x08) {
                hi = 0x09;
            }
            sim.shift(op);
            sim.shift(hi);
            sim.shift(r.nextInt(256));
            if (r.nextBoolean()) {
                sim.shift(r.nextInt(256));
            }
        }
        sim.chipSelect(false);
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0x03}, shiftFrame(0xF0, 0x00, 0x01, 0x5A), "seed " + seed);
        assertArrayEquals(new int[] {0x00, 0x01, 0x02, 0x5A}, shiftFrame(0x0F, 0x00, 0x01, 0x00), "seed " + seed);
    }
}
