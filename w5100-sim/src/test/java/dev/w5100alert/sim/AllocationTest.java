package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The frame path allocates nothing once warm (no trace installed). */
class AllocationTest {

    @Test
    void registerFramesAllocateNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] fakeTime = {0};
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> fakeTime[0]++)) {
            byte[] mosi = new byte[64 * 4];
            byte[] miso = new byte[64 * 4];
            int[] addresses = {0x0001, 0x000F, 0x0403, 0x0420, 0x0426, 0x0502, 0x0015, 0x4000, 0x7FFF, 0x0424};
            for (int i = 0; i < 64; i++) {
                int a = addresses[i % addresses.length];
                boolean write = i % 3 == 0 && a != 0x0403 && a != 0x0420 && a != 0x0426 && a != 0x0502 && a != 0x0015;
                mosi[4 * i] = (byte) (write ? 0xF0 : 0x0F);
                mosi[4 * i + 1] = (byte) (a >>> 8);
                mosi[4 * i + 2] = (byte) a;
                mosi[4 * i + 3] = (byte) i;
            }
            for (int i = 0; i < 20_000; i++) {
                sim.transfer(mosi, miso, 0, 64);
            }
            long thread = Thread.currentThread().threadId();
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++) {
                sim.transfer(mosi, miso, 0, 64);
            }
            long after = threads.getThreadAllocatedBytes(thread);
            assertEquals(0, after - before, "bytes allocated by 640,000 frames");
            assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
        }
    }
}
