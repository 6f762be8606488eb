package dev.w5100alert.firmware.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.testing.TlsTestServer;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.testing.VirtualClock;
import dev.w5100alert.hal.Clock;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TLS link against a real JSSE server with certificates from a test CA, over java.nio and over W5100Driver on the
 * simulated chip (2 KB socket buffers: 16 KB records stream through them in pieces).
 */
class TlsLinkTest {

    static final String HOST = "mail.example.test";
    static final long NOW = System.currentTimeMillis();
    static final TestPki PKI = new TestPki("Test", NOW);
    static final TestPki OTHER = new TestPki("Stranger", NOW);
    static final TestPki.ServerCert GOOD = PKI.server(HOST, NOW - TestPki.DAY, NOW + 30 * TestPki.DAY, HOST);

    /** Bounds the test loop in real time: a broken link must fail the test, not hang it. */
    private static final long SAFETY_NANOS = 20_000_000_000L;

    static Stream<Arguments> transportsAndProtocols() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Arguments.of(t, "TLSv1.3"),
                Arguments.of(t, "TLSv1.2")));
    }

    private static TlsPolicy policy(String name) {
        return TlsPolicy.of(TlsMode.IMPLICIT, PKI.trustStore(), name, 0);
    }

    /** Connects the stack, starts TLS and polls until the handshake ends; returns the link's state. */
    static TcpLink.State handshake(TlsLink tls, Transport.Stack stack, TlsPolicy p) {
        tls.connect(dev.w5100alert.firmware.smtp.SmtpConfig.parseIpv4(stack.serverIp()), stack.serverPort());
        long end = System.nanoTime() + SAFETY_NANOS;
        TcpLink.State s;
        while ((s = tls.poll()) == TcpLink.State.CONNECTING) {
            assertTrue(System.nanoTime() < end, "connect never finished");
            Thread.onSpinWait();
        }
        assertEquals(TcpLink.State.CONNECTED, s);
        tls.startTls(p);
        while ((s = tls.poll()) == TcpLink.State.CONNECTING) {
            assertTrue(System.nanoTime() < end, "handshake never finished");
            Thread.onSpinWait();
        }
        return s;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndProtocols")
    void sixteenKilobyteRecordsStreamBothWaysThroughTheLink(Transport transport, String protocol) throws Exception {
        int size = 40_000; // more than two full 16 KB records each way
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext(), protocol);
            byte[] got = TlsTestServer.readFully(s.getInputStream(), size);
            s.getOutputStream().write(got); // JSSE cuts this into 16 KB records
            s.getOutputStream().flush();
            s.getInputStream().read(); // until the client closes
        }); Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, policy(HOST)), () -> tls.failureDetail() + "");
            assertTrue(tls.secured());
            assertTrue(tls.verified());
            assertEquals(protocol, tls.protocol());
            assertEquals(2, tls.peerChain().length);
            assertTrue(tls.describeSession().startsWith("TLS started: " + protocol + " TLS_"), tls.describeSession());
            assertTrue(tls.describeSession().endsWith(", peer CN=" + HOST + ", verified"), tls.describeSession());

            int sent = 0;
            long end = System.nanoTime() + SAFETY_NANOS;
            while (sent < size) {
                int n = tls.write(payload, sent, size - sent);
                assertTrue(n >= 0, "link failed while sending");
                sent += n;
                tls.poll();
                assertTrue(System.nanoTime() < end, "send stalled at " + sent);
            }
            byte[] back = new byte[size];
            int got = 0;
            byte[] small = new byte[700]; // read in pieces smaller than a record
            while (got < size) {
                int n = tls.read(small, 0, small.length);
                assertTrue(n >= 0, "link failed while receiving after " + got);
                System.arraycopy(small, 0, back, got, n);
                got += n;
                assertTrue(System.nanoTime() < end, "receive stalled at " + got);
            }
            assertArrayEquals(payload, back);
            tls.close();
            if (stack.sim() != null) {
                assertEquals(0, stack.sim().counters().unhandled(), stack.sim().unhandledLog().toString());
            }
        }
    }

    /** A link that takes and gives at most a random handful of bytes per call: records arrive in odd pieces. */
    static final class ChoppyLink implements TcpLink {
        private final TcpLink inner;
        private final Random random;

        ChoppyLink(TcpLink inner, long seed) {
            this.inner = inner;
            this.random = new Random(seed);
        }

        private int piece(int len) {
            return Math.min(len, random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1 + random.nextInt(3000));
        }

        @Override
        public void connect(int ipv4, int port) {
            inner.connect(ipv4, port);
        }

        @Override
        public State poll() {
            return inner.poll();
        }

        @Override
        public int write(byte[] b, int off, int len) {
            return random.nextInt(5) == 0 ? 0 : inner.write(b, off, piece(len));
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return random.nextInt(5) == 0 ? 0 : inner.read(b, off, piece(len));
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public Failure failure() {
            return inner.failure();
        }
    }

    static long[] seeds() {
        int n = Integer.getInteger("tls.choppy.seeds", 6);
        long[] s = new long[n];
        Random r = new Random(0x7151_2026L);
        for (int i = 0; i < n; i++) {
            s[i] = r.nextLong();
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void recordsCutIntoRandomPiecesStillMakeTheSameBytes(long seed) throws Exception {
        Random r = new Random(seed);
        int size = 1 + r.nextInt(40_000);
        byte[] payload = new byte[size];
        r.nextBytes(payload);
        String protocol = r.nextBoolean() ? "TLSv1.3" : "TLSv1.2";
        String msg = "seed " + seed + ", " + size + " B, " + protocol;
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext(), protocol);
            byte[] got = TlsTestServer.readFully(s.getInputStream(), size);
            s.getOutputStream().write(got);
            s.getOutputStream().flush();
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(new ChoppyLink(stack.link(), seed), Clock.SYSTEM);
            assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, policy(HOST)), () -> msg + ": "
                    + tls.failureDetail());
            long end = System.nanoTime() + SAFETY_NANOS;
            int sent = 0;
            while (sent < size) {
                int n = tls.write(payload, sent, Math.min(size - sent, 1 + r.nextInt(20_000)));
                assertTrue(n >= 0, msg);
                sent += n;
                assertTrue(System.nanoTime() < end, msg + ": send stalled at " + sent);
            }
            byte[] back = new byte[size];
            int got = 0;
            while (got < size) {
                int n = tls.read(back, got, Math.min(size - got, 1 + r.nextInt(5000)));
                assertTrue(n >= 0, msg);
                got += n;
                assertTrue(System.nanoTime() < end, msg + ": receive stalled at " + got);
            }
            assertArrayEquals(payload, back, msg);
            tls.close();
        }
    }

    @Test
    void buffersAreSizedFromTheSessionAndKeptAcrossConnections() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext());
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            int bytes = tls.bufferBytes();
            assertTrue(bytes >= 2 * 16_709 + 2 * 16_384, "record and plaintext buffers: " + bytes);
            for (int i = 0; i < 3; i++) {
                assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, policy(HOST)));
                tls.close();
                assertFalse(tls.secured());
            }
            assertEquals(bytes, tls.bufferBytes());
            assertEquals(3, server.connections());
        }
    }

    /** One certificate case: what the server presents, what the policy expects, what the link must say. */
    record CertCase(String label, TestPki.ServerCert cert, java.security.KeyStore trust, String name, int ip,
            TlsFailure expected, String detailPart) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<CertCase> certificateCases() {
        long d = TestPki.DAY;
        TestPki.ServerCert self = TestPki.selfSigned(HOST, NOW - d, NOW + d, HOST);
        return Stream.of(
                new CertCase("chain with intermediate", GOOD, PKI.trustStore(), HOST, 0, TlsFailure.NONE, ""),
                new CertCase("wildcard matches one label", PKI.server("*.example.test", NOW - d, NOW + d,
                        "*.example.test"), PKI.trustStore(), HOST, 0, TlsFailure.NONE, ""),
                new CertCase("wildcard does not match two labels", PKI.server("*.test", NOW - d, NOW + d,
                        "*.test"), PKI.trustStore(), HOST, 0, TlsFailure.NAME_MISMATCH, "DNS:*.test"),
                new CertCase("wildcard below a deeper name does not match", PKI.server("w", NOW - d, NOW + d,
                        "*.mail.example.test"), PKI.trustStore(), HOST, 0, TlsFailure.NAME_MISMATCH, "DNS:*.mail"),
                new CertCase("partial wildcard matches nothing", PKI.server("p", NOW - d, NOW + d,
                        "m*.example.test"), PKI.trustStore(), HOST, 0, TlsFailure.NAME_MISMATCH, "m*.example.test"),
                new CertCase("wrong host", PKI.server("other.example.test", NOW - d, NOW + d, "other.example.test"),
                        PKI.trustStore(), HOST, 0, TlsFailure.NAME_MISMATCH, "DNS:other.example.test"),
                new CertCase("CN alone is not a name", PKI.server(HOST, NOW - d, NOW + d), PKI.trustStore(), HOST,
                        0, TlsFailure.NAME_MISMATCH, "no subjectAltName"),
                new CertCase("IP SAN when no name is given", PKI.server("ip", NOW - d, NOW + d, "IP:192.168.1.10"),
                        PKI.trustStore(), null, 0xC0A8010A, TlsFailure.NONE, ""),
                new CertCase("IP SAN of another address", PKI.server("ip", NOW - d, NOW + d, "IP:192.168.1.11"),
                        PKI.trustStore(), null, 0xC0A8010A, TlsFailure.NAME_MISMATCH, "IP:192.168.1.11"),
                new CertCase("expired", PKI.server(HOST, NOW - 30 * d, NOW - d, HOST), PKI.trustStore(), HOST, 0,
                        TlsFailure.EXPIRED, "the board's clock reads"),
                new CertCase("not yet valid", PKI.server(HOST, NOW + d, NOW + 30 * d, HOST), PKI.trustStore(), HOST,
                        0, TlsFailure.NOT_YET_VALID, "valid only from"),
                new CertCase("untrusted issuer", OTHER.server(HOST, NOW - d, NOW + d, HOST), PKI.trustStore(), HOST,
                        0, TlsFailure.UNTRUSTED, "Stranger Intermediate CA"),
                new CertCase("self-signed, not trusted", self, PKI.trustStore(), HOST, 0, TlsFailure.UNTRUSTED,
                        "not signed by a certificate in smtp.ca-file"),
                new CertCase("self-signed, trusted through ca-file", self, TestPki.storeOf(self.leaf()), HOST, 0,
                        TlsFailure.NONE, ""),
                new CertCase("test CA against the JDK's default store", GOOD, null, HOST, 0, TlsFailure.UNTRUSTED,
                        "default trust store"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("certificateCases")
    void certificatesAreCheckedAndFailuresClassified(CertCase c) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, c.cert().serverContext());
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            TcpLink.State s = handshake(tls, stack, TlsPolicy.of(TlsMode.STARTTLS, c.trust(), c.name(), c.ip()));
            assertEquals(c.expected(), tls.tlsFailure(), () -> tls.failureDetail().toString());
            if (c.expected() == TlsFailure.NONE) {
                assertEquals(TcpLink.State.CONNECTED, s);
                assertTrue(tls.verified());
            } else {
                assertEquals(TcpLink.State.FAILED, s);
                assertFalse(tls.secured());
                assertFalse(tls.verified());
                assertTrue(tls.failureDetail().toString().contains(c.detailPart()), () -> tls.failureDetail() + "");
                assertEquals(c.cert().chain().length, tls.peerChain().length, "chain kept for diagnosis");
                assertEquals(-1, tls.write(new byte[] {'A'}, 0, 1), "no byte passes a refused link");
            }
            tls.close();
        }
    }

    @Test
    void aClockEarlierThanTheBuildDateIsReportedAsNotSet() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext());
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            VirtualClock clock = new VirtualClock(() -> false, 1);
            clock.epochBase(946_684_800_000L); // 2000-01-01: a board that booted without a time source
            TlsLink tls = new TlsLink(stack.link(), clock);
            assertEquals(TcpLink.State.FAILED, handshake(tls, stack, policy(HOST)));
            assertEquals(TlsFailure.CLOCK_NOT_SET, tls.tlsFailure());
            assertTrue(tls.failureDetail().toString().contains("2000-01-01"), tls.failureDetail().toString());
        }
    }

    @Test
    void theDateComesFromTheInjectedClockAtEachHandshake() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext());
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            VirtualClock clock = new VirtualClock(() -> false, 1);
            clock.epochBase(NOW);
            TlsLink tls = new TlsLink(stack.link(), clock);
            assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, policy(HOST)));
            tls.close();
            clock.epochBase(NOW + 60 * TestPki.DAY); // the same link, later: the certificate has run out
            assertEquals(TcpLink.State.FAILED, handshake(tls, stack, policy(HOST)));
            assertEquals(TlsFailure.EXPIRED, tls.tlsFailure());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void plainTextWhereRecordsAreExpectedIsNotTls(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            raw.getOutputStream().write("220 plain.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.getInputStream().read(new byte[4096]);
            raw.getInputStream().read();
        }); Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            assertEquals(TcpLink.State.FAILED, handshake(tls, stack, policy(HOST)));
            assertEquals(TlsFailure.NOT_TLS, tls.tlsFailure());
            assertTrue(tls.failureDetail().toString().contains("220 plain.example ESMTP"), tls.failureDetail() + "");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCloseInTheMiddleOfTheHandshakeFails(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            InputStream in = raw.getInputStream();
            TlsTestServer.readFully(in, 5); // the ClientHello's record header, then hang up
        }); Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            assertEquals(TcpLink.State.FAILED, handshake(tls, stack, policy(HOST)));
            assertEquals(TlsFailure.HANDSHAKE_FAILED, tls.tlsFailure());
            assertTrue(tls.failureDetail().toString().contains("closed the connection during the TLS handshake"),
                    tls.failureDetail().toString());
        }
    }

    @Test
    void silenceDuringTheHandshakeEndsAtTheCallersDeadline() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            raw.getInputStream().read(new byte[4096]); // takes the ClientHello, answers nothing
            raw.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            tls.connect(0x7F000001, server.port());
            long end = System.nanoTime() + SAFETY_NANOS;
            while (tls.poll() == TcpLink.State.CONNECTING) {
                assertTrue(System.nanoTime() < end);
            }
            tls.startTls(policy(HOST));
            for (int i = 0; i < 1000; i++) {
                assertEquals(TcpLink.State.CONNECTING, tls.poll(), "no answer, no progress, no failure");
            }
            tls.handshakeDeadlinePassed();
            assertEquals(TcpLink.State.FAILED, tls.poll());
            assertEquals(TlsFailure.TIMEOUT, tls.tlsFailure());
            assertEquals(TcpLink.Failure.TIMEOUT, tls.failure());
        }
    }

    @Test
    void aPeerThatHangsUpWithoutCloseNotifyReadsAsEndOfStreamAfterItsData() throws Exception {
        byte[] last = "221 bye\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, GOOD.serverContext());
            OutputStream out = s.getOutputStream();
            out.write(last);
            out.flush();
            raw.shutdownOutput(); // TCP FIN, no close_notify
            raw.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, policy(HOST)));
            byte[] b = new byte[64];
            int got = 0;
            long end = System.nanoTime() + SAFETY_NANOS;
            int n;
            while ((n = tls.read(b, got, b.length - got)) >= 0) {
                got += n;
                assertTrue(System.nanoTime() < end, "end of stream never seen");
            }
            assertEquals("221 bye\r\n", new String(b, 0, got, StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void sniCarriesTheServerNameAndNothingForAnAddress(boolean byName) throws Exception {
        java.util.List<String> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestPki.ServerCert cert = PKI.server(HOST, NOW - TestPki.DAY, NOW + TestPki.DAY, HOST, "IP:127.0.0.1");
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SSLSocket s = TlsTestServer.startTls(raw, cert.serverContext());
            for (javax.net.ssl.SNIServerName n : ((javax.net.ssl.ExtendedSSLSession) s.getSession())
                    .getRequestedServerNames()) {
                requested.add(new String(n.getEncoded(), StandardCharsets.US_ASCII));
            }
            requested.add("done");
            s.getInputStream().read();
        }); Transport.Stack stack = Transport.NIO.open(server.port(), Clock.SYSTEM)) {
            TlsLink tls = new TlsLink(stack.link(), Clock.SYSTEM);
            TlsPolicy p = byName ? policy(HOST) : TlsPolicy.of(TlsMode.IMPLICIT, PKI.trustStore(), null, 0x7F000001);
            assertEquals(TcpLink.State.CONNECTED, handshake(tls, stack, p), () -> tls.failureDetail() + "");
            long end = System.nanoTime() + SAFETY_NANOS;
            while (!requested.contains("done")) {
                assertTrue(System.nanoTime() < end);
                Thread.onSpinWait();
            }
            assertEquals(byName ? java.util.List.of(HOST, "done") : java.util.List.of("done"), requested);
            tls.close();
        }
    }

    @Test
    void policyRefusesToStartWithoutTls() {
        TlsLink tls = new TlsLink(new dev.w5100alert.firmware.net.NioTcpLink(), Clock.SYSTEM);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> tls.startTls(TlsPolicy.NONE));
        assertEquals(TlsMode.IMPLICIT, TlsMode.defaultFor(465));
        assertEquals(TlsMode.STARTTLS, TlsMode.defaultFor(587));
        assertEquals(TlsMode.STARTTLS, TlsMode.defaultFor(25));
    }

}
