package dev.w5100alert.firmware.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.FastSmtpResponder;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steady state allocates nothing: after warm-up, N complete alerts (fill the alert, render it, MAIL, RCPT x2,
 * DATA, message with attachment, 250) on a kept session cost 0 bytes on the engine's thread.
 * Needs TCP_NODELAY in w5100-sim for speed: without it each alert over the simulator waits ~40 ms. Over W5100_SIM
 * the simulator runs on this thread too (it is the SpiBus), so its allocations would count here as well.
 */
class AllocationTest {

    private static final int WARM_UP = 300;
    private static final int MEASURED = 200;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendsAlertsWithoutAllocatingInSteadyState(Transport transport) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        try (FastSmtpResponder server = new FastSmtpResponder();
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                    .heloName("[192.168.1.50]").credentials("alert-user", "pw").allowPlaintextAuth(true)
                    .keepSessionOpen(true).build();
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
            AlertFixture fixture = new AlertFixture();

            for (int i = 0; i < WARM_UP; i++) {
                SendResult r = engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
                assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
            }
            // A per-alert allocation shows in every round. While C2 is still compiling the path (it takes a few
            // thousand alerts), rare one-off allocations of a few hundred bytes appear and then stop. So: rounds
            // until one is clean, bounded (25 rounds over nio, ~1 s each; 4 over the slower simulator).
            long[] rounds = new long[transport == Transport.NIO ? 25 : 4];
            int clean = -1;
            long frames = 0;
            long ioctls = 0;
            for (int round = 0; round < rounds.length && clean < 0; round++) {
                long frames0 = stack.driver() == null ? 0 : stack.driver().framesSent();
                long ioctls0 = transport == Transport.W5100_SIM_SPIDEV ? Transport.lastSpidev.ioctls() : 0;
                long before = threads.getThreadAllocatedBytes(me);
                int delivered = 0;
                for (int i = 0; i < MEASURED; i++) {
                    if (engine.send(fixture.next(Clock.SYSTEM.epochMillis())).outcome() == Outcome.DELIVERED) {
                        delivered++;
                    }
                }
                rounds[round] = threads.getThreadAllocatedBytes(me) - before;
                frames = stack.driver() == null ? 0 : stack.driver().framesSent() - frames0;
                ioctls = transport == Transport.W5100_SIM_SPIDEV ? Transport.lastSpidev.ioctls() - ioctls0 : 0;
                assertEquals(MEASURED, delivered);
                if (rounds[round] == 0) {
                    clean = round;
                }
            }
            engine.close();

            assertFalse(engine.sessionOpen());
            System.out.printf("[alloc] %s: bytes per round of %d alerts %s (clean round %d)%s%n", transport,
                    MEASURED, java.util.Arrays.toString(java.util.Arrays.copyOf(rounds, clean < 0 ? rounds.length : clean + 1)),
                    clean,
                    frames == 0 ? "" : String.format(", %d SPI frames per alert", frames / MEASURED)
                            + (ioctls == 0 ? "" : String.format(", %d ioctls per alert", ioctls / MEASURED)));
            assertTrue(clean >= 0, transport + ": every round of " + MEASURED + " alerts allocated: "
                    + java.util.Arrays.toString(rounds));
        }
    }
}
