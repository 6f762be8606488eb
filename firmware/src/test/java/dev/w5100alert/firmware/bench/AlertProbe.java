package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.FastSmtpResponder;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;

/**
 * Manual probe (not a test): sends N alerts over a transport and prints alerts/s and the bytes the engine's
 * thread allocated per alert over the second half. Args: transport n [fresh] -- "fresh" opens a new
 * connection (and QUITs) per alert instead of keeping the session.
 */
public final class AlertProbe {

    private AlertProbe() {
    }

    public static void main(String[] args) throws Exception {
        Transport transport = Transport.valueOf(args[0]);
        int n = Integer.parseInt(args[1]);
        try (FastSmtpResponder server = new FastSmtpResponder();
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                    .heloName("[192.168.1.50]").keepSessionOpen(!(args.length > 2 && args[2].equals("fresh"))).build();
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
            AlertFixture fixture = new AlertFixture();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long me = Thread.currentThread().threadId();
            long t0 = System.nanoTime();
            long secondHalf = 0;
            long frames0 = 0;
            long simFrames0 = 0;
            for (int i = 0; i < n; i++) {
                long a = threads.getThreadAllocatedBytes(me);
                engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
                long d = threads.getThreadAllocatedBytes(me) - a;
                if (i == n / 2 && stack.driver() != null) {
                    frames0 = stack.driver().framesSent();
                    simFrames0 = stack.sim().counters().frames();
                }
                if (i > n / 2) {
                    secondHalf += d;
                }
            }
            long t = System.nanoTime() - t0;
            int measured = n - n / 2 - 1;
            System.out.printf("%s%s: %d alerts, %.1f alerts/s, %.1f B/alert over the last %d, %s SPI frames/alert,"
                    + " message %d bytes, last %s%n", transport, args.length > 2 ? " " + args[2] : "", n, n * 1e9 / t,
                    (double) secondHalf / measured, measured,
                    stack.driver() == null ? "-" : (stack.driver().framesSent() - frames0) / measured + " (simulator counted "
                            + (stack.sim().counters().frames() - simFrames0) / measured + ")",
                    engine.renderedLength(), engine.result());
            engine.close();
        }
    }
}
