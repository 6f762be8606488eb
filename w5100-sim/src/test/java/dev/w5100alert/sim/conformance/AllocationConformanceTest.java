package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.sim.VirtualNetwork;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Driver and simulator together allocate nothing per send/receive once warm: measured on this thread
 * (the one driving the bus) with ThreadMXBean, while a real echo peer works on its own threads.
 */
class AllocationConformanceTest {

    @Test
    void echoLoopAllocatesNothingAfterWarmUp() throws Exception {
        try (LoopbackServers.Tcp server = LoopbackServers.echo();
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").tcp(7, server.port()).build()).up()) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 7, 10_000_000_000L));
            byte[] out = LoopbackServers.pattern(512);
            byte[] in = new byte[2048];
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId();
            long moved = round(rig, s, out, in, 3000);
            // Several windows: the steady state must be zero. A one-off allocation inside the JDK's
            // socket code under the simulator (temporary buffer cache) may land in one window; the
            // driver alone is held to exactly zero in hal's AllocationTest.
            long[] windows = new long[4];
            for (int w = 0; w < windows.length; w++) {
                long before = mx.getThreadAllocatedBytes(id);
                moved += round(rig, s, out, in, 1000);
                windows[w] = mx.getThreadAllocatedBytes(id) - before;
            }
            assertTrue(moved > 0);
            long min = java.util.Arrays.stream(windows).min().orElseThrow();
            System.out.println("ALLOC per 1000 echo rounds: " + java.util.Arrays.toString(windows));
            assertEquals(0, min, "bytes allocated per 1000 echo rounds of 512 bytes: " + java.util.Arrays.toString(windows));
        }
    }

    /** {@code rounds} times: send 512 bytes, read them back; idles while waiting. */
    private static long round(Rig rig, TcpSocket s, byte[] out, byte[] in, int rounds) {
        long moved = 0;
        for (int i = 0; i < rounds; i++) {
            int sent = 0;
            int got = 0;
            for (int spins = 0; got < out.length && spins < 1_000_000; spins++) {
                int n = sent < out.length ? s.send(out, sent, out.length - sent) : 0;
                int r = s.receive(in, got, out.length - got);
                if (n < 0 || r < 0) {
                    throw new AssertionError("socket failed");
                }
                sent += n;
                got += r;
                if (n == 0 && r == 0) {
                    rig.clock.idle();
                }
            }
            moved += got;
        }
        return moved;
    }
}
