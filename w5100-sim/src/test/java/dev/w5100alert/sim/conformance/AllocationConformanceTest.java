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
            long before = mx.getThreadAllocatedBytes(id);
            moved += round(rig, s, out, in, 3000);
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            assertTrue(moved > 0);
            assertEquals(0, allocated, "bytes allocated by 3000 echo rounds of 512 bytes (driver + simulator)");
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
