package dev.w5100alert.firmware.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.StartTlsSmtpServer;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.tls.TlsLink;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.testing.TlsTestServer;
import java.lang.management.ManagementFactory;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * What TLS costs in allocation on the loop thread (TLS cannot be allocation-free: JSSE allocates per handshake and
 * per record). Bounded and reported: per alert on a kept STARTTLS session (goal and bound: 32 KB), per alert with
 * one connection (and so one full handshake) per alert, and the fixed buffers a {@link TlsLink} holds. Over java.nio
 * so that only the firmware's allocation is on this thread (the simulator would add its own).
 */
class TlsAllocationTest {

    static final long NOW = System.currentTimeMillis();
    static final TestPki PKI = new TestPki("Alloc", NOW);
    static final TestPki.ServerCert CERT = PKI.server("mail.example.test", NOW - TestPki.DAY,
            NOW + 30 * TestPki.DAY, "mail.example.test");

    static final long KEPT_SESSION_BOUND = 32 * 1024;
    /** Measured about 0.27 MB per alert with a full handshake on JDK 25 (P-256 chain of two); bound with room. */
    static final long PER_CONNECTION_BOUND = 1024 * 1024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long me = Thread.currentThread().threadId();

    private long bytesPerAlert(SmtpEngine engine, AlertFixture fixture, int warmUp, int measured) {
        for (int i = 0; i < warmUp; i++) {
            SendResult r = engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
            assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        }
        long before = threads.getThreadAllocatedBytes(me);
        for (int i = 0; i < measured; i++) {
            SendResult r = engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
            assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        }
        return (threads.getThreadAllocatedBytes(me) - before) / measured;
    }

    /** Rough: heap in use after GC with ten more links alive, per link (GC noise of a few KB either way). */
    private static long retainedPerLink() {
        java.lang.management.MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        TlsLink[] keep = new TlsLink[10];
        new TlsLink(new dev.w5100alert.firmware.net.NioTcpLink(), Clock.SYSTEM); // JSSE's one-time set-up
        System.gc();
        long before = mem.getHeapMemoryUsage().getUsed();
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new TlsLink(new dev.w5100alert.firmware.net.NioTcpLink(64), Clock.SYSTEM);
        }
        System.gc();
        long after = mem.getHeapMemoryUsage().getUsed();
        java.lang.ref.Reference.reachabilityFence(keep);
        return (after - before) / keep.length;
    }

    private SmtpConfig config(Transport.Stack stack, boolean keep) {
        return SmtpConfig.builder().server(stack.serverIp(), stack.serverPort()).heloName("[192.168.1.50]")
                .credentials("alert-user", "pw").keepSessionOpen(keep)
                .tls(TlsPolicy.of(TlsMode.STARTTLS, PKI.trustStore(), "mail.example.test", 0)).build();
    }

    @Test
    void aKeptTlsSessionAllocatesAtMost32KilobytesPerAlert() throws Exception {
        try (StartTlsSmtpServer server = new StartTlsSmtpServer(CERT.serverContext(), "alert-user", "pw");
                Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, true), null, 42);
            long perAlert = bytesPerAlert(engine, new AlertFixture(), 200, 200);
            engine.close();
            System.out.printf("[tls-alloc] kept STARTTLS session: %d B per alert (bound %d)%n", perAlert,
                    KEPT_SESSION_BOUND);
            assertTrue(perAlert <= KEPT_SESSION_BOUND, perAlert + " B per alert on a kept TLS session");
            assertTrue(perAlert > 0, "JSSE allocates per record: a zero here means nothing was measured");
        }
    }

    @Test
    void oneConnectionPerAlertIsBoundedAndTheFixedBuffersAreReported() throws Exception {
        try (StartTlsSmtpServer server = new StartTlsSmtpServer(CERT.serverContext(), "alert-user", "pw");
                Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            long before = threads.getThreadAllocatedBytes(me);
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, false), null, 42);
            long construction = threads.getThreadAllocatedBytes(me) - before;
            long perAlert = bytesPerAlert(engine, new AlertFixture(), 30, 30);
            int buffers = engine.tlsLink().bufferBytes();
            System.out.printf("[tls-alloc] one STARTTLS connection per alert: %d B per alert (bound %d); "
                    + "TlsLink buffers %d B held for life; engine+TLS construction allocated %d B%n", perAlert,
                    PER_CONNECTION_BOUND, buffers, construction);
            assertTrue(perAlert <= PER_CONNECTION_BOUND, perAlert + " B per alert with a handshake each");
            assertTrue(buffers < 80 * 1024, "four session-sized buffers: " + buffers);
            System.out.printf("[tls-alloc] heap retained per TlsLink (buffers, SSLContext, verifier), after GC: "
                    + "about %d B%n", retainedPerLink());
        }
    }

    @Test
    void theHandshakeAloneIsMostOfThePerConnectionCost() throws Exception {
        javax.net.ssl.SSLContext serverContext = CERT.serverContext(); // one context: the server can resume
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, serverContext);
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            TlsPolicy p = TlsPolicy.of(TlsMode.IMPLICIT, PKI.trustStore(), "mail.example.test", 0);
            for (int i = 0; i < 20; i++) {
                handshake(tls, server.port(), p);
            }
            int n = 30;
            long before = threads.getThreadAllocatedBytes(me);
            for (int i = 0; i < n; i++) {
                handshake(tls, server.port(), p);
            }
            long perHandshake = (threads.getThreadAllocatedBytes(me) - before) / n;
            System.out.printf("[tls-alloc] TLS 1.3 full handshake with connect and close (closed before the session ticket, so never resumed): %d B%n",
                    perHandshake);
            assertTrue(perHandshake <= PER_CONNECTION_BOUND, perHandshake + " B per handshake");
            assertTrue(perHandshake > 1024, "a handshake that allocates nothing was not measured");
        }
    }

    private static void handshake(TlsLink tls, int port, TlsPolicy p) {
        tls.connect(0x7F000001, port);
        long end = System.nanoTime() + 20_000_000_000L;
        TcpLink.State s;
        while ((s = tls.poll()) == TcpLink.State.CONNECTING) {
            assertTrue(System.nanoTime() < end);
        }
        tls.startTls(p);
        while ((s = tls.poll()) == TcpLink.State.CONNECTING) {
            assertTrue(System.nanoTime() < end);
        }
        assertEquals(TcpLink.State.CONNECTED, s, () -> tls.failureDetail().toString());
        tls.close();
    }
}
