package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.idle.SilentServer;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SystemClock;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Manual probe (not a test): one blocking send through the simulated chip to a server that never greets,
 * on the real clock with the board's wait; prints SPI frames per second and the CPU time of the thread
 * (engine, driver and simulator together) for the wait. Args: seconds (default 60), "polled" or "int".
 */
public final class SilentWaitProbe {

    private SilentWaitProbe() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        boolean wired = args.length > 1 && args[1].equals("int");
        SystemClock clock = new SystemClock();
        try (SilentServer server = new SilentServer()) {
            VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.port()).build();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                W5100Driver driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
                if (wired) {
                    driver.interruptsWired(true);
                    clock.waitOn(new InterruptLine() {
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
                    });
                }
                driver.bringUp(NetworkConfig.of(0x02_00_00_00_00_01L, Ipv4.of(192, 168, 1, 50),
                        Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1)));
                SmtpTimeouts t = new SmtpTimeouts(30_000, seconds * 1000L, 1, 1, 1, 1, 1, 1, 1, 1, 1);
                SmtpConfig cfg = SmtpConfig.builder().server(Ipv4.of(192, 168, 1, 10), 25).heloName("[192.168.1.50]")
                        .timeouts(t).build();
                SmtpEngine engine = new SmtpEngine(new W5100TcpLink(driver, 30_000_000_000L, 1_000_000_000L), clock,
                        cfg, null, 7);
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long frames0 = sim.counters().frames();
                long t0 = System.nanoTime();
                SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
                long wall = System.nanoTime() - t0;
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                long frames = sim.counters().frames() - frames0;
                System.out.printf("silent server %s, %s: %d SPI frames in %.1f s = %.0f frames/s, CPU %.3f s, %d parks, "
                                + "%d wake-ups (%s)%n", wired ? "/INT wired" : "polled", r.cause(), frames, wall / 1e9,
                        frames * 1e9 / wall, cpu / 1e9, clock.strategy().parks(), clock.strategy().wakeUps(),
                        r.stage());
            }
        }
    }
}
