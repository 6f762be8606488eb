package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.FastSmtpResponder;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One alert end to end per operation: fill the alert, render the message (with a CSV attachment), and run
 * MAIL / RCPT x2 / DATA / message / 250 on a kept session against an always-yes responder on 127.0.0.1,
 * over java.nio or over W5100Driver + w5100-sim. Throughput = alerts per second; with {@code -prof gc},
 * gc.alloc.rate.norm = bytes allocated per alert, including JMH's own fixed cost per iteration spread over
 * the iteration's ops (visible at low throughput); AllocationTest gives the exact per-thread figure.
 * JMH runs the {@code Level.Trial} tear-down inside the last measured iteration, so that iteration also
 * counts the bytes of printing the frame figure and closing the sockets (tens of B/op over the simulated
 * chip, none of it per alert): read the per-iteration lines, not only the mean. With the tear-down body
 * emptied, every iteration shows the same ~1 B/op, which the JmhOverheadBenchmark control shows is JMH's.
 *
 * <pre>./bench firmware AlertBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlertBenchmark {

    @Param({"NIO", "W5100_SIM"})
    public Transport transport;

    private FastSmtpResponder server;
    private Transport.Stack stack;
    private SmtpEngine engine;
    private AlertFixture fixture;
    private long framesAtStart;
    private long alerts;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = new FastSmtpResponder();
        stack = transport.open(server.port(), Clock.SYSTEM);
        SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                .heloName("[192.168.1.50]").credentials("alert-user", "pw").allowPlaintextAuth(true)
                .keepSessionOpen(true).build();
        engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
        fixture = new AlertFixture();
        framesAtStart = stack.driver() == null ? 0 : stack.driver().framesSent();
    }

    @Benchmark
    public int sendAlert() {
        Outcome o = engine.send(fixture.next(Clock.SYSTEM.epochMillis())).outcome();
        if (o != Outcome.DELIVERED) {
            throw new IllegalStateException("alert not delivered: " + engine.result());
        }
        alerts++;
        return o.ordinal();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (stack.driver() != null && alerts > 0) {
            System.out.printf("%n[AlertBenchmark] %s: %d SPI frames per alert over %d alerts%n", transport,
                    (stack.driver().framesSent() - framesAtStart) / alerts, alerts);
        }
        engine.close();
        stack.close();
        server.close();
    }
}
