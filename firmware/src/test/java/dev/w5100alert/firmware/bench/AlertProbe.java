package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.FastSmtpResponder;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;

/** Manual probe (not a test): sends N alerts over a transport, for profiling with JFR. Args: transport n. */
public final class AlertProbe {

    private AlertProbe() {
    }

    public static void main(String[] args) throws Exception {
        Transport transport = Transport.valueOf(args[0]);
        int n = Integer.parseInt(args[1]);
        try (FastSmtpResponder server = new FastSmtpResponder();
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                    .heloName("[192.168.1.50]").keepSessionOpen(true).build();
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
            AlertFixture fixture = new AlertFixture();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long me = Thread.currentThread().threadId();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long a = threads.getThreadAllocatedBytes(me);
                engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
                long d = threads.getThreadAllocatedBytes(me) - a;
                if (d > 0 && i > n / 2 && args.length > 2) {
                    System.out.println("alert " + i + ": " + d + " bytes");
                }
            }
            long t = System.nanoTime() - t0;
            System.out.printf("%s: %d alerts, %.1f alerts/s, last %s%n", transport, n, n * 1e9 / t, engine.result());
            engine.close();
        }
    }
}
