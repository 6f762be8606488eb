package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.PrintTranscript;
import dev.w5100alert.board.pki.CertificateBuilder;
import dev.w5100alert.board.pki.DemoPki;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.board.testing.RecordingStartTlsServer;
import dev.w5100alert.hal.Clock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Alerts over TLS through the whole board stack on the simulated W5100: sensor -> outbox -> SMTP engine ->
 * TlsLink -> W5100 socket -> loopback -> SubEthaSMTP with STARTTLS (or implicit TLS), the server's chain issued
 * by a test root through an intermediate, the root given to the board as a real {@code ca-file}. And the refusal
 * path: a man in the middle with a certificate for another name gets no byte of AUTH.
 */
class TlsDeliveryTest {

    static final String PASSWORD = "tls-Secret-77";
    static final long DEADLINE = 30_000_000_000L;

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1

            [smtp]
            server = 192.168.1.10
            port = %d
            tls-server-name = mail.example.test
            ca-file = ca.pem
            sender = alarm@example.org
            recipients = ops@example.org
            username = alarm
            password-env = TLS_PW
            timeout = 10s

            [outbox]
            retry-initial = 200ms
            retry-max = 40s

            [sensor door]
            pin = 17
            pull = up
            active = low
            debounce = 20ms
            active-name = open
            inactive-name = closed
            subject = [alarm] {sensor} {state}
            min-interval = 0s
            """;

    static CertificateBuilder.Issued root;
    static CertificateBuilder.Issued intermediate;
    static CertificateBuilder.Issued server;

    @BeforeAll
    static void pki() {
        root = CertificateBuilder.subject("Test Root CA").ca().selfSigned();
        intermediate = CertificateBuilder.subject("Test Intermediate CA").ca().signedBy(root);
        server = CertificateBuilder.subject("mail.example.test").dns("mail.example.test").signedBy(intermediate);
    }

    @TempDir
    Path dir;

    final Log.Recording log = new Log.Recording();
    final ByteArrayOutputStream transcript = new ByteArrayOutputStream();

    BoardConfig config(int port) throws Exception {
        Files.writeString(dir.resolve("ca.pem"), DemoPki.pem(root.certificate()));
        return new ConfigParser(Map.of("TLS_PW", PASSWORD)::get).parse("t.conf",
                Arrays.asList(CONFIG.formatted(port).split("\n")), dir, null);
    }

    SimulatedBoard board(BoardConfig cfg, int realPort) throws Exception {
        SimulatedBoard b = SimulatedBoard.start(cfg, realPort, dir.resolve("outbox"), Clock.SYSTEM, log,
                new PrintTranscript(new PrintStream(transcript, true, StandardCharsets.UTF_8), ""), 200_000_000L);
        b.stack.bringUp();
        return b;
    }

    static SMTPServer subetha(boolean implicit, List<String> received) {
        SSLContext ctx = DemoPki.serverContext(server, intermediate.certificate(), root.certificate());
        SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("mail.example.test")
                .messageHandler((context, from, to, data) -> {
                    synchronized (received) {
                        received.add(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, c) -> {
                    if (!"alarm".equals(u) || !PASSWORD.equals(p)) {
                        throw new LoginFailedException();
                    }
                })).requireAuth();
        if (implicit) {
            b.serverSocketFactory(ctx);
        } else {
            b.enableTLS().requireTLS().startTlsSocketFactory(ctx);
        }
        SMTPServer s = b.build();
        s.start();
        return s;
    }

    String transcript() {
        return transcript.toString(StandardCharsets.UTF_8);
    }

    void assertNoSecretAnywhere() {
        String b64 = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.US_ASCII));
        String b64Plain = Base64.getEncoder().encodeToString(("\0alarm\0" + PASSWORD).getBytes(StandardCharsets.US_ASCII));
        for (String text : List.of(transcript(), String.join("\n", log.lines()))) {
            assertFalse(text.contains(PASSWORD) || text.contains(b64) || text.contains(b64Plain), text);
        }
    }

    @Test
    void aSensorTripIsDeliveredOverStartTlsVerifiedAgainstTheCaFile() throws Exception {
        List<String> received = new ArrayList<>();
        SMTPServer smtp = subetha(false, received);
        try (SimulatedBoard board = board(config(587), smtp.getPortAllocated())) {
            assertEquals("starttls", board.stack.config.smtp().tls().mode().configName(), "the default for 587");
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), () -> log.lines() + transcript());
            synchronized (received) {
                assertEquals(1, received.size(), transcript());
                assertTrue(received.get(0).contains("Subject: [alarm] door open"), received.get(0));
            }
            String t = transcript();
            int startTls = t.indexOf(" -> STARTTLS");
            int started = t.indexOf("=== TLS started: TLSv1.");
            int auth = t.indexOf(" ~> AUTH ");
            assertTrue(startTls >= 0 && started > startTls && auth > started, t);
            assertTrue(t.contains(", peer CN=mail.example.test, verified"), t);
            assertFalse(t.contains(" -> AUTH"), "no AUTH before TLS: " + t);
            assertTrue(t.contains(" ~> MAIL FROM:<alarm@example.org>"), t);
            assertNoSecretAnywhere();
        } finally {
            smtp.stop();
        }
    }

    @Test
    void port465SpeaksImplicitTlsByDefault() throws Exception {
        List<String> received = new ArrayList<>();
        SMTPServer smtp = subetha(true, received);
        try (SimulatedBoard board = board(config(465), smtp.getPortAllocated())) {
            assertEquals("implicit", board.stack.config.smtp().tls().mode().configName());
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), () -> log.lines() + transcript());
            synchronized (received) {
                assertEquals(1, received.size(), transcript());
            }
            String t = transcript();
            assertTrue(t.indexOf("=== TLS started: ") < t.indexOf("<~  220 "), "TLS before the greeting: " + t);
            assertFalse(t.contains("STARTTLS\n"), t);
            assertNoSecretAnywhere();
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aCertificateForAnotherNameEndsInCertNameMismatchAndNoAuthByteLeaves() throws Exception {
        CertificateBuilder.Issued wrong = CertificateBuilder.subject("other.example.test").dns("other.example.test")
                .dns("*.other.example.test").signedBy(intermediate);
        try (RecordingStartTlsServer mitm = new RecordingStartTlsServer(
                DemoPki.serverContext(wrong, intermediate.certificate(), root.certificate()));
             SimulatedBoard board = board(config(587), mitm.port())) {
            board.trip(0, true);
            long until = System.nanoTime() + DEADLINE;
            while (!log.contains("not sent, attempt 1") && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            assertTrue(mitm.awaitDone(20), "the board hung up");
            String line = log.lines().stream().filter(l -> l.contains("not sent, attempt 1")).findFirst().orElseThrow(
                    () -> new AssertionError(log.lines() + transcript()));
            assertTrue(line.startsWith("ERROR outbox: "), line);
            assertTrue(line.contains("does not carry the name the board expects"), line);
            assertTrue(line.contains("other.example.test") && line.contains("smtp.tls-server-name"), line);
            assertTrue(line.contains("[at TLS_HANDSHAKE: CERT_NAME_MISMATCH]"), line);
            assertFalse(line.contains("AUTH"), "not a credential problem: " + line);
            assertFalse(log.contains("smtp.username"), "never a credential message: " + log.lines());

            assertTrue(mitm.plainText().contains("EHLO") && mitm.plainText().contains("STARTTLS"), mitm.plainText());
            assertFalse(mitm.plainText().contains("AUTH"), mitm.plainText());
            assertEquals("", mitm.insideTlsText(), "nothing at all inside a refused TLS session");
            assertNoSecretAnywhere();

            // needs the user: kept, and retried only at the slow rate (retry-max 40 s, jitter down to half)
            assertEquals(1, board.stack.outbox.pendingCount());
            long wait = board.stack.outbox.nanosUntilDue(System.nanoTime());
            assertTrue(wait >= 19_000_000_000L, "next try in " + wait + " ns");
        }
    }

    @Test
    void aBoardWhoseClockIsNotSetSaysSoAndSendsNoAuth() throws Exception {
        List<String> received = new ArrayList<>();
        SMTPServer smtp = subetha(false, received);
        // a Pi without network time or RTC: the wall clock starts in 1970-ish; the monotonic clock is fine
        Clock unset = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return 86_400_000L * 365 * 2; // 1972
            }

            @Override
            public void idle() {
                Clock.SYSTEM.idle();
            }
        };
        try (SimulatedBoard board = SimulatedBoard.start(config(587), smtp.getPortAllocated(), dir.resolve("outbox"),
                unset, log, new PrintTranscript(new PrintStream(transcript, true, StandardCharsets.UTF_8), ""),
                200_000_000L)) {
            board.stack.bringUp();
            board.trip(0, true);
            long until = System.nanoTime() + DEADLINE;
            while (!log.contains("not sent, attempt 1") && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            String line = log.lines().stream().filter(l -> l.contains("not sent, attempt 1")).findFirst()
                    .orElseThrow(() -> new AssertionError(log.lines() + transcript()));
            assertTrue(line.startsWith("ERROR outbox: ") && line.contains("the board's clock is not set"), line);
            assertTrue(line.contains("1972"), "shows the board's clock time: " + line);
            assertTrue(line.contains("CLOCK_NOT_SET"), line);
            synchronized (received) {
                assertEquals(0, received.size());
            }
            assertFalse(transcript().contains("AUTH "), transcript());
            assertNoSecretAnywhere();
        } finally {
            smtp.stop();
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> refusedCertificates() {
        long now = System.currentTimeMillis();
        long day = 86_400_000L;
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("expired", CertificateBuilder.subject("mail.example.test")
                        .dns("mail.example.test").validity(now - 30 * day, now - day).signedBy(intermediate),
                        "has expired by the board's clock", "CERT_EXPIRED"),
                org.junit.jupiter.params.provider.Arguments.of("not yet valid", CertificateBuilder.subject("mail.example.test")
                        .dns("mail.example.test").validity(now + day, now + 30 * day).signedBy(intermediate),
                        "is not valid yet by the board's clock", "CERT_NOT_YET_VALID"),
                org.junit.jupiter.params.provider.Arguments.of("self-signed, not in ca-file", CertificateBuilder
                        .subject("mail.example.test").dns("mail.example.test").selfSigned(),
                        "not issued by a CA the board trusts", "CERT_UNTRUSTED"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("refusedCertificates")
    void aRefusedCertificateIsExplainedAndNoAuthByteLeaves(String what, CertificateBuilder.Issued cert, String phrase,
                                                           String cause) throws Exception {
        boolean selfSigned = cert.certificate().getIssuerX500Principal().equals(cert.certificate().getSubjectX500Principal());
        SSLContext ctx = selfSigned ? DemoPki.serverContext(cert)
                : DemoPki.serverContext(cert, intermediate.certificate(), root.certificate());
        try (RecordingStartTlsServer mitm = new RecordingStartTlsServer(ctx);
             SimulatedBoard board = board(config(587), mitm.port())) {
            board.trip(0, true);
            long until = System.nanoTime() + DEADLINE;
            while (!log.contains("not sent, attempt 1") && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            assertTrue(mitm.awaitDone(20), "the board hung up");
            String line = log.lines().stream().filter(l -> l.contains("not sent, attempt 1")).findFirst().orElseThrow(
                    () -> new AssertionError(log.lines() + transcript()));
            assertTrue(line.startsWith("ERROR outbox: ") && line.contains(phrase) && line.contains(cause), what + ": " + line);
            assertFalse(mitm.plainText().contains("AUTH"), mitm.plainText());
            assertEquals("", mitm.insideTlsText());
            assertNoSecretAnywhere();
        }
    }
}
