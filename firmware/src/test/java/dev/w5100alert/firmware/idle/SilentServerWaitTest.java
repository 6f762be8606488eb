package dev.w5100alert.firmware.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.smtp.Stage;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.hal.IdleSettings;
import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import org.junit.jupiter.api.Test;

/**
 * What a minute of waiting on a silent SMTP server costs on the bus, through the simulated chip, with the
 * board's own wait strategy on a virtual clock (frame counts, not wall time): polled, and with /INT.
 */
class SilentServerWaitTest {

    static final long MINUTE = 60_000_000_000L;

    /** Runs one send against a server that never greets (greeting timeout 60 s); returns SPI frames in the wait. */
    static long[] waitOneMinute(boolean interruptWired) throws Exception {
        try (SilentServer server = new SilentServer()) {
            // Virtual time stands only while the chip waits in SYNSENT for the real loopback connection.
            W5100Simulator[] chip = new W5100Simulator[1];
            VirtualLoopClock clock = new VirtualLoopClock(IdleSettings.DEFAULT,
                    () -> server.connected() || chip[0] == null || chip[0].socketStatus(0) != 0x15);
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.port()).build();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                chip[0] = sim;
                W5100Driver driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
                if (interruptWired) {
                    InterruptLine line = new InterruptLine() {
                        @Override
                        public boolean asserted() {
                            return sim.pollInterrupt();
                        }

                        @Override
                        public boolean wakesAsynchronously() {
                            return false;
                        }

                        @Override
                        public void onAssert(Runnable wakeUp) {
                            sim.onInterrupt(wakeUp);
                        }
                    };
                    driver.interruptsWired(true);
                    clock.waitOn(line);
                }
                driver.bringUp(NetworkConfig.of(0x02_00_00_00_00_01L, Ipv4.of(192, 168, 1, 50),
                        Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1)));
                SmtpTimeouts t = new SmtpTimeouts(30_000, 60_000, 1, 1, 1, 1, 1, 1, 1, 1, 1);
                SmtpConfig cfg = SmtpConfig.builder().server(Ipv4.of(192, 168, 1, 10), 25).heloName("[192.168.1.50]")
                        .timeouts(t).build();
                SmtpEngine engine = new SmtpEngine(new W5100TcpLink(driver, 30_000_000_000L, 1_000_000_000L), clock,
                        cfg, null, 7);
                long frames0 = sim.counters().frames();
                long t0 = clock.nanoTime();
                SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
                long waited = clock.nanoTime() - t0;
                assertEquals(FailureCause.TIMEOUT, r.cause(), r::toString);
                assertEquals(Stage.GREETING, r.stage(), r::toString);
                assertTrue(waited >= MINUTE && waited < MINUTE + 2_000_000_000L, "waited " + waited + " ns");
                return new long[] {sim.counters().frames() - frames0, waited, sim.counters().interruptEdges()};
            }
        }
    }

    @Test
    void pollingAMinuteCostsAtMost500FramesASecond() throws Exception {
        long[] r = waitOneMinute(false);
        double perSecond = r[0] * 1e9 / r[1];
        System.out.printf("silent server, polled: %d SPI frames in %.1f s = %.0f frames/s%n", r[0], r[1] / 1e9, perSecond);
        assertTrue(perSecond <= 500, "frames/s polled: " + perSecond);
        assertTrue(r[0] > 60, "the chip is still polled: " + r[0]);
    }

    @Test
    void withInterruptLineAMinuteCostsAtMost20FramesASecond() throws Exception {
        long[] r = waitOneMinute(true);
        double perSecond = r[0] * 1e9 / r[1];
        System.out.printf("silent server, /INT wired: %d SPI frames in %.1f s = %.1f frames/s%n", r[0], r[1] / 1e9,
                perSecond);
        assertTrue(perSecond <= 20, "frames/s with /INT: " + perSecond);
    }
}
