package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.MemorySplit;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.sim.SimCounters;
import dev.w5100alert.sim.VirtualNetwork;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPI frames the driver spends to move a payload, counted by the simulator, beside the lower bound
 * of one frame per payload byte. Prints a line per case (the figures in docs/driver.md):
 * <pre>mvn -B -pl w5100-sim -am verify -Dtest=FrameCostReportTest -Dsurefire.failIfNoSpecifiedTests=false | grep FRAMES</pre>
 * "moving" counts the frames of calls that moved data (deterministic); "all" adds the polls that found
 * nothing yet or waited for SEND_OK (these depend on loopback timing).
 */
class FrameCostReportTest {

    static final long SECOND = 1_000_000_000L;

    @ParameterizedTest(name = "{0} bytes, {1} KB buffers")
    @CsvSource({"1024, 2", "65536, 2", "1024, 8", "65536, 8"})
    void sendAndReceiveSpendCloseToOneFramePerByte(int bytes, int kb) throws Exception {
        MemorySplit split = kb == 8 ? MemorySplit.kilobytes(8, 1, 1, 1) : MemorySplit.EVEN;
        byte[] data = LoopbackServers.pattern(bytes);

        long sendMoving = 0;
        long sendAll = 0;
        int sendCalls = 0;
        try (LoopbackServers.Tcp sink = LoopbackServers.sink();
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").tcp(9, sink.port()).build()).up(split)) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 9, 10 * SECOND));
            SimCounters c = rig.sim.counters();
            int sent = 0;
            while (sent < bytes) {
                long before = c.frames();
                int n = s.send(data, sent, bytes - sent);
                long spent = c.frames() - before;
                assertTrue(n >= 0, "send failed: " + s.failure());
                sendAll += spent;
                if (n > 0) {
                    sendMoving += spent;
                    sendCalls++;
                    sent += n;
                } else {
                    rig.clock.idle();
                }
            }
            long before = c.frames();
            assertTrue(s.flush(10 * SECOND));
            long flush = c.frames() - before;
            sendAll += flush;
            sendMoving += Math.min(flush, 2); // the SEND_OK read and its clearing write
            s.close(5 * SECOND);
        }

        long recvMoving = 0;
        long recvAll = 0;
        int recvCalls = 0;
        byte[] got = new byte[bytes];
        try (LoopbackServers.Tcp source = LoopbackServers.source(bytes);
             Rig rig = new Rig(VirtualNetwork.builder().host("192.168.1.10").tcp(9, source.port()).build()).up(split)) {
            TcpSocket s = rig.driver.openTcp();
            assertEquals(ConnectOutcome.CONNECTED, s.connect(Rig.SERVER, 9, 10 * SECOND));
            SimCounters c = rig.sim.counters();
            int received = 0;
            long deadline = rig.clock.nanoTime() + 60 * SECOND;
            while (received < bytes) {
                long before = c.frames();
                int n = s.receive(got, received, bytes - received);
                long spent = c.frames() - before;
                assertTrue(n >= 0, "receive ended early: " + n + " " + s.failure());
                recvAll += spent;
                if (n > 0) {
                    recvMoving += spent;
                    recvCalls++;
                    received += n;
                } else {
                    assertTrue(rig.clock.nanoTime() < deadline, "stalled");
                    rig.clock.idle();
                }
            }
            s.close(5 * SECOND);
        }
        assertArrayEquals(data, Arrays.copyOf(got, bytes));

        System.out.printf("FRAMES %6d B, %d KB buffers | lower bound %6d | send: %6d moving (%d calls, %.3f/B), %6d all"
                        + " | receive: %6d moving (%d calls, %.3f/B), %6d all%n",
                bytes, kb, bytes, sendMoving, sendCalls, sendMoving / (double) bytes, sendAll,
                recvMoving, recvCalls, recvMoving / (double) bytes, recvAll);
        // per moving call: 5 status frames + data + 4 control frames (send), 5 + data + 4 (receive)
        assertTrue(sendMoving <= bytes + 12L * sendCalls + 2, "send overhead per call bounded: " + sendMoving);
        assertTrue(recvMoving <= bytes + 12L * recvCalls, "receive overhead per call bounded: " + recvMoving);
        assertTrue(sendCalls <= bytes / (kb * 1024) * 2 + 2 || bytes < kb * 1024, "chunks of up to a buffer: " + sendCalls);
    }
}
