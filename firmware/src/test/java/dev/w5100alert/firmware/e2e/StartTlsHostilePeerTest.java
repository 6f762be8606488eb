package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.smtp.Stage;
import dev.w5100alert.firmware.testing.RecordingProxy;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.SmtpLines;
import dev.w5100alert.firmware.testing.StartTlsSmtpServer;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.testing.TlsTestServer;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.testing.VirtualClock;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers (and men in the middle) that misbehave around STARTTLS: each must end in its own classified failure, and
 * no credential may leave before a verified TLS session.
 */
class StartTlsHostilePeerTest {

    static final String HOST = "mail.example.test";
    static final String USER = "alert-user";
    static final String PASSWORD = "mitm-Secret-7";
    static final long NOW = System.currentTimeMillis();
    static final TestPki PKI = new TestPki("Hostile", NOW);
    static final TestPki.ServerCert CERT = PKI.server(HOST, NOW - TestPki.DAY, NOW + 30 * TestPki.DAY, HOST);
    static final String EHLO_STARTTLS = "250-mail.example.test\n250-PIPELINING\n250 STARTTLS";
    static final String EHLO_INSIDE = "250-mail.example.test\n250-AUTH PLAIN LOGIN\n250 8BITMIME";

    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final RecordingTranscript transcript = new RecordingTranscript();

    static MailMessage alert() {
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org");
        m.subject().append("[alert] door: OPEN");
        m.body().append("door opened");
        return m;
    }

    private SendResult send(Transport transport, int port, Clock clock, TlsMode mode) {
        try (Transport.Stack stack = transport.open(port, clock)) {
            SmtpConfig c = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort()).heloName("[192.168.1.50]")
                    .credentials(USER, PASSWORD)
                    .timeouts(new SmtpTimeouts(20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
                            20_000, 5_000))
                    .tls(mode == TlsMode.NONE ? TlsPolicy.NONE : TlsPolicy.of(mode, PKI.trustStore(), HOST, 0))
                    .build();
            return new SmtpEngine(stack.link(), clock, c, transcript, 3).send(alert());
        }
    }

    /** Greeting and the first EHLO in clear; returns the line reader. */
    private SmtpLines plainPart(Socket raw, String ehloReply) throws Exception {
        SmtpLines io = new SmtpLines(raw.getInputStream(), raw.getOutputStream(), commands);
        io.send("220 mail.example.test ESMTP");
        io.read();
        io.send(ehloReply);
        return io;
    }

    private void assertNoCredentialLeft() {
        for (String c : commands) {
            assertFalse(c.toUpperCase().startsWith("AUTH"), "AUTH sent: " + commands);
            assertFalse(c.contains(Base64.getEncoder().encodeToString(USER.getBytes(StandardCharsets.UTF_8))),
                    "user name sent: " + commands);
        }
        String t = transcript.toString();
        assertFalse(t.contains("-> AUTH") || t.contains(" ~> AUTH"), t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"454 4.7.0 TLS not available due to temporary reason", "500 5.5.1 unknown command"})
    void aRefusedStartTlsEndsBeforeAnyCredential(String reply) throws Exception {
        for (Transport transport : Transport.values()) {
            commands.clear();
            try (TlsTestServer server = new TlsTestServer(raw -> {
                SmtpLines io = plainPart(raw, EHLO_STARTTLS);
                io.read(); // STARTTLS
                io.send(reply);
                io.serveTransaction(EHLO_INSIDE);
            })) {
                SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
                assertEquals(FailureCause.STARTTLS_REFUSED, r.cause(), () -> r + "\n" + transcript);
                assertEquals(Outcome.AUTH_FAILURE, r.outcome());
                assertEquals(Stage.STARTTLS, r.stage());
                assertEquals(Integer.parseInt(reply.substring(0, 3)), r.replyCode());
                assertEquals(List.of("EHLO [192.168.1.50]", "STARTTLS", "QUIT"), commands, transport.name());
                assertNoCredentialLeft();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aServerThatDoesNotOfferStartTlsGetsNoCredential(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> plainPart(raw, EHLO_INSIDE).serveTransaction(EHLO_INSIDE))) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.STARTTLS_NOT_OFFERED, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Outcome.AUTH_FAILURE, r.outcome());
            assertEquals(List.of("EHLO [192.168.1.50]", "QUIT"), commands);
            assertNoCredentialLeft();
        }
    }

    @org.junit.jupiter.api.Test
    void withTlsNoneAPasswordIsNotSentInClearAndTheStartTlsOfferIsNamed() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> plainPart(raw,
                "250-mail.example.test\n250-STARTTLS\n250 AUTH PLAIN LOGIN").serveTransaction(EHLO_INSIDE))) {
            SendResult r = send(Transport.NIO, server.port(), Clock.SYSTEM, TlsMode.NONE);
            assertEquals(FailureCause.PLAINTEXT_AUTH_FORBIDDEN, r.cause(), () -> r + "\n" + transcript);
            assertTrue(r.detail().contains("set smtp.tls = starttls"), r.detail());
            assertEquals(List.of("EHLO [192.168.1.50]", "QUIT"), commands);
            assertNoCredentialLeft();
        }
    }

    @org.junit.jupiter.api.Test
    void aHeloOnlyServerCannotOfferStartTls() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, "502 5.5.1 EHLO not implemented");
            io.read(); // HELO
            io.send("250 old.example.test");
            io.serveTransaction(EHLO_INSIDE);
        })) {
            SendResult r = send(Transport.NIO, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.STARTTLS_NOT_OFFERED, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Stage.HELO, r.stage());
            assertEquals(List.of("EHLO [192.168.1.50]", "HELO [192.168.1.50]", "QUIT"), commands);
            assertNoCredentialLeft();
        }
    }

    @org.junit.jupiter.api.Test
    void junkPipelinedAfterThe220IsDiscardedNeverParsed() throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read(); // STARTTLS
            // One write: the 220 and an injected reply that a vulnerable client would take as the answer to its
            // first command inside TLS (CVE-2011-0411).
            io.send("220 2.0.0 go ahead\n250-INJECTED\n250 AUTH PLAIN");
            SSLSocket s = TlsTestServer.startTls(raw, CERT.serverContext());
            new SmtpLines(s.getInputStream(), s.getOutputStream(), commands).serveTransaction(EHLO_INSIDE);
        })) {
            SendResult r = send(Transport.NIO, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            String t = transcript.toString();
            assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + t);
            assertTrue(t.contains("=== discarded bytes received after the 220 to STARTTLS"), t);
            assertFalse(t.contains("INJECTED"), t);
            // The EHLO inside TLS was asked and answered by the real server, not by the injected text.
            assertTrue(t.contains(" ~> EHLO [192.168.1.50]\n<~ 250-mail.example.test\n<~ 250-AUTH PLAIN LOGIN"), t);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void plainTextAfterThe220IsNotTakenAsTls(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read();
            io.send("220 2.0.0 go ahead");
            raw.getInputStream().read(new byte[512]); // the ClientHello
            io.send("250 INJECTED AUTH PLAIN"); // plain text where the ServerHello is due
            raw.getInputStream().read();
        })) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.TLS_HANDSHAKE_FAILED, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Stage.TLS_HANDSHAKE, r.stage());
            assertTrue(r.detail().toString().contains("plain text where TLS was expected"), r.detail().toString());
            assertFalse(transcript.toString().contains("<- 250 INJECTED"), transcript.toString());
            assertNoCredentialLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCloseInTheMiddleOfTheHandshakeIsAHandshakeFailure(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read();
            io.send("220 2.0.0 go ahead");
            TlsTestServer.readFully(raw.getInputStream(), 5);
        })) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.TLS_HANDSHAKE_FAILED, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Stage.TLS_HANDSHAKE, r.stage());
            assertNoCredentialLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void silenceDuringTheHandshakeEndsAtTheStageDeadline(Transport transport) throws Exception {
        TlsTestServer[] ref = new TlsTestServer[1];
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read();
            io.send("220 2.0.0 go ahead");
            raw.getInputStream().read(new byte[512]);
            ref[0].silent(true); // say nothing more: virtual time may run
            raw.getInputStream().read();
        })) {
            ref[0] = server;
            VirtualClock clock = new VirtualClock(server::silent, 250_000_000L);
            clock.epochBase(NOW);
            SendResult r = send(transport, server.port(), clock, TlsMode.STARTTLS);
            assertEquals(FailureCause.TIMEOUT, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
            assertEquals(Stage.TLS_HANDSHAKE, r.stage());
            assertTrue(r.detail().toString().contains("no TLS handshake within the deadline"), r.detail().toString());
            assertNoCredentialLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void noCloseNotifyAfterTheLastReplyStillDelivers(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read();
            io.send("220 2.0.0 go ahead");
            SSLSocket s = TlsTestServer.startTls(raw, CERT.serverContext());
            new SmtpLines(s.getInputStream(), s.getOutputStream(), commands).serveTransaction(EHLO_INSIDE);
            raw.close(); // TCP close under TLS: no close_notify
        })) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aHangUpWithoutCloseNotifyMidSessionIsALostConnection(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            SmtpLines io = plainPart(raw, EHLO_STARTTLS);
            io.read();
            io.send("220 2.0.0 go ahead");
            SSLSocket s = TlsTestServer.startTls(raw, CERT.serverContext());
            SmtpLines tls = new SmtpLines(s.getInputStream(), s.getOutputStream(), commands);
            tls.read();
            tls.send(EHLO_INSIDE);
            tls.read();
            tls.send("235 ok");
            tls.read(); // MAIL FROM: hang up instead of answering
            raw.close();
        })) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.CONNECTION_LOST, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
            assertEquals(Stage.MAIL, r.stage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tlsRecordsWhereThePlainGreetingIsDueMeanImplicitTls(Transport transport) throws Exception {
        try (TlsTestServer server = new TlsTestServer(raw -> {
            // A TLS alert record (a TLS-only port tearing down a client that said nothing useful).
            raw.getOutputStream().write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28});
            raw.getInputStream().read();
        })) {
            SendResult r = send(transport, server.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(FailureCause.IMPLICIT_TLS_EXPECTED, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Outcome.AUTH_FAILURE, r.outcome());
            assertTrue(r.detail().toString().contains("smtp.tls = implicit"), r.detail().toString());
        }
    }

    // ---- a man in the middle that records everything the client sends ----

    static Stream<Arguments> attackerCertificates() {
        long d = TestPki.DAY;
        TestPki stranger = new TestPki("Attacker", NOW);
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(
                Arguments.of(t, "untrusted CA", stranger.server(HOST, NOW - d, NOW + d, HOST),
                        FailureCause.CERT_UNTRUSTED),
                Arguments.of(t, "self-signed", TestPki.selfSigned(HOST, NOW - d, NOW + d, HOST),
                        FailureCause.CERT_UNTRUSTED),
                Arguments.of(t, "trusted CA, other host", PKI.server("evil.example.test", NOW - d, NOW + d,
                        "evil.example.test"), FailureCause.CERT_NAME_MISMATCH),
                Arguments.of(t, "trusted CA, expired", PKI.server(HOST, NOW - 9 * d, NOW - d, HOST),
                        FailureCause.CERT_EXPIRED)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attackerCertificates")
    void aRefusedCertificateLetsNoByteOfAuthOut(Transport transport, String label, TestPki.ServerCert attacker,
            FailureCause expected) throws Exception {
        try (StartTlsSmtpServer evil = new StartTlsSmtpServer(attacker.serverContext(), USER, PASSWORD);
                RecordingProxy mitm = new RecordingProxy(evil.port())) {
            SendResult r = send(transport, mitm.port(), Clock.SYSTEM, TlsMode.STARTTLS);
            assertEquals(expected, r.cause(), () -> r + "\n" + transcript);
            assertEquals(Outcome.AUTH_FAILURE, r.outcome());
            assertEquals(Stage.TLS_HANDSHAKE, r.stage());
            assertTrue(r.detail().length() > 0);

            String wire = new String(mitm.fromClient(), StandardCharsets.ISO_8859_1);
            assertTrue(wire.contains("STARTTLS\r\n"), "the proxy saw the conversation");
            Base64.Encoder b64 = Base64.getEncoder();
            for (String secret : new String[] {"AUTH", PASSWORD, USER, b64.encodeToString(USER.getBytes()),
                    b64.encodeToString(PASSWORD.getBytes()),
                    b64.encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes())}) {
                assertFalse(wire.contains(secret), label + ": " + secret + " reached the man in the middle");
            }
            assertTrue(evil.logins().isEmpty(), "the attacker's server got a login: " + evil.logins());
            assertTrue(evil.messages().isEmpty());
            assertFalse(transcript.toString().contains(PASSWORD));
        }
    }
}
