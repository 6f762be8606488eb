package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.NioTcpLink;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.ScriptServer;
import dev.w5100alert.firmware.testing.VirtualClock;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure path of the conversation, against a scripted SMTP server on 127.0.0.1. */
class ScriptedServerTest {

    static final String PASSWORD = "s3cret-Pa55word";
    static final long SECOND = 1_000_000_000L;

    private final ScriptServer server;
    private final RecordingTranscript transcript = new RecordingTranscript();
    private VirtualClock clock;
    private SmtpEngine engine;
    private final MailMessage message = new MailMessage(MessageLimits.DEFAULT);

    ScriptedServerTest() throws IOException {
        server = new ScriptServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        assertFalse(transcript.toString().contains(PASSWORD), "password in transcript");
    }

    private SmtpEngine engine(Consumer<SmtpConfig.Builder> tweak) {
        server.start();
        SmtpConfig.Builder b = SmtpConfig.builder().server("127.0.0.1", server.port()).heloName("[127.0.0.1]")
                .credentials("alert-user", PASSWORD).allowPlaintextAuth(true);
        tweak.accept(b);
        clock = new VirtualClock(server::silent, SECOND);
        engine = new SmtpEngine(new NioTcpLink(), clock, b.build(), transcript, 0x1234_5678_9ABC_DEF0L);
        message.clear().from("alert@example.org").addRecipient("ops@example.org");
        message.subject().append("Door open");
        message.body().append("The door is open.\n.hidden line\n.\nend");
        return engine;
    }

    private SmtpEngine engine() {
        return engine(b -> { });
    }

    private SendResult send() {
        return engine.send(message);
    }

    private boolean sent(String prefix) {
        return server.commands().stream().anyMatch(c -> c.startsWith(prefix));
    }

    @Test
    void deliversWithAuthPlainAndQuits() {
        engine();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals(250, r.replyCode());
        assertEquals("2.0.0 queued as 42", r.replyText());
        assertEquals(List.of("EHLO [127.0.0.1]", "AUTH PLAIN AGFsZXJ0LXVzZXIAczNjcmV0LVBhNTV3b3Jk"),
                server.commands().subList(0, 2));
        assertTrue(server.commands().get(2).startsWith("MAIL FROM:<alert@example.org> SIZE="));
        assertEquals("RCPT TO:<ops@example.org>", server.commands().get(3));
        assertEquals("QUIT", server.commands().get(server.commands().size() - 1));
        assertFalse(engine.busy());
        assertTrue(engine.offersPipelining() && engine.offersEnhancedStatusCodes() && engine.offers8BitMime());
        assertEquals(1_000_000, engine.sizeLimit());
    }

    @Test
    void sendsDotStuffedCrlfNormalisedDataOnTheWire() {
        engine();
        send();
        List<String> data = server.dataLines();
        int body = data.indexOf("The door is open.");
        assertTrue(body > 0, data::toString);
        assertEquals(List.of("The door is open.", "..hidden line", "..", "end"), data.subList(body, body + 4));
    }

    @Test
    void usesAuthLoginWhenPlainIsNotOffered() {
        server.on("EHLO", "250-script.test\r\n250 AUTH LOGIN");
        engine();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals(List.of("AUTH LOGIN", "YWxlcnQtdXNlcg==", "czNjcmV0LVBhNTV3b3Jk"),
                server.commands().subList(1, 4));
        String t = transcript.toString();
        assertEquals(2, t.split("-> " + SmtpEngine.REDACTED + "\n", -1).length - 1, t);
        assertTrue(t.contains("<- 334 VXNlcm5hbWU6\n<-     (decoded: Username:)\n-> " + SmtpEngine.REDACTED), t);
        assertTrue(t.contains("<- 334 UGFzc3dvcmQ6\n<-     (decoded: Password:)\n"), t);
        assertFalse(t.contains("czNjcmV0LVBhNTV3b3Jk") || t.contains("YWxlcnQtdXNlcg=="), t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN"})
    void masksAnAuthPayloadTheServerEchoesInItsErrorReply(String mechanism) {
        String payload = mechanism.equals("PLAIN") ? "AGFsZXJ0LXVzZXIAczNjcmV0LVBhNTV3b3Jk" : "czNjcmV0LVBhNTV3b3Jk";
        server.on(mechanism.equals("PLAIN") ? "AUTH" : "AUTH_PASS",
                "501-5.5.2 cannot decode " + payload + "\r\n501 5.5.2 [" + payload + "] rejected");
        engine(b -> b.authMechanism(AuthMechanism.valueOf(mechanism)));
        SendResult r = send();
        assertEquals(Outcome.AUTH_FAILURE, r.outcome(), r::toString);
        assertEquals(501, r.replyCode());
        String t = transcript.toString();
        assertFalse(t.contains(payload), t);
        assertFalse(r.replyText().contains(payload) || r.toString().contains(payload), r::toString);
        assertTrue(r.replyText().contains("cannot decode ****"), r::replyText);
    }

    @Test
    void redactsTheAuthPlainPayloadInTheTranscript() {
        engine();
        send();
        String t = transcript.toString();
        assertTrue(t.contains("-> AUTH PLAIN " + SmtpEngine.REDACTED + "\n"), t);
        assertFalse(t.contains("AGFsZXJ0"), t);
        assertTrue(t.contains("<- 250-script.test greets you\n<- 250-AUTH PLAIN LOGIN"), t);
        assertTrue(t.contains("-> RCPT TO:<ops@example.org>\n<- 250 2.1.5 ok"), t);
    }

    @Test
    void refusesPlaintextAuthUnlessAllowedAndSendsNoCredentials() {
        engine(b -> b.allowPlaintextAuth(false));
        SendResult r = send();
        assertEquals(Outcome.AUTH_FAILURE, r.outcome());
        assertEquals(FailureCause.PLAINTEXT_AUTH_FORBIDDEN, r.cause());
        assertFalse(sent("AUTH"));
        assertTrue(sent("QUIT"));
    }

    @Test
    void reportsAuthNotOfferedWhenTheServerHasNoUsableMechanism() {
        server.on("EHLO", "250-script.test\r\n250 AUTH CRAM-MD5");
        engine();
        SendResult r = send();
        assertEquals(Outcome.AUTH_FAILURE, r.outcome());
        assertEquals(FailureCause.AUTH_NOT_OFFERED, r.cause());
    }

    @Test
    void skipsAuthWithoutCredentials() {
        server.on("EHLO", "250-script.test\r\n250 8BITMIME");
        server.start();
        SmtpConfig cfg = SmtpConfig.builder().server("127.0.0.1", server.port()).heloName("box.example.org").build();
        clock = new VirtualClock(server::silent, SECOND);
        engine = new SmtpEngine(new NioTcpLink(), clock, cfg, transcript, 1);
        message.clear().from("alert@example.org").addRecipient("ops@example.org");
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals("MAIL FROM:<alert@example.org>", server.commands().get(1), "no SIZE when not offered");
    }

    @Test
    void fallsBackToHeloWhenEhloIsNotRecognised() {
        server.on("EHLO", "502 5.5.2 what?");
        engine(b -> { });
        SendResult r = send();
        // HELO offers no AUTH, and credentials are configured.
        assertEquals(Outcome.AUTH_FAILURE, r.outcome());
        assertEquals(FailureCause.AUTH_NOT_OFFERED, r.cause());
        assertEquals("HELO [127.0.0.1]", server.commands().get(1));
    }

    static Stream<Arguments> failureReplies() {
        return Stream.of(
                Arguments.of("GREETING", "554 5.3.2 no service", Outcome.PERMANENT_FAILURE, Stage.GREETING),
                Arguments.of("GREETING", "450 busy", Outcome.TRANSIENT_FAILURE, Stage.GREETING),
                Arguments.of("EHLO", "550 5.7.1 go away", Outcome.PERMANENT_FAILURE, Stage.EHLO),
                Arguments.of("EHLO", "451 4.3.0 later", Outcome.TRANSIENT_FAILURE, Stage.EHLO),
                Arguments.of("AUTH", "535 5.7.8 Authentication credentials invalid", Outcome.AUTH_FAILURE,
                        Stage.AUTH_PLAIN),
                Arguments.of("AUTH", "454 4.7.0 Temporary authentication failure", Outcome.TRANSIENT_FAILURE,
                        Stage.AUTH_PLAIN),
                Arguments.of("AUTH", "538 5.7.11 Encryption required", Outcome.AUTH_FAILURE, Stage.AUTH_PLAIN),
                Arguments.of("MAIL", "550 5.7.1 sender refused", Outcome.PERMANENT_FAILURE, Stage.MAIL),
                Arguments.of("MAIL", "452 4.3.1 out of space", Outcome.TRANSIENT_FAILURE, Stage.MAIL),
                Arguments.of("RCPT", "550 5.1.1 no such user", Outcome.PERMANENT_FAILURE, Stage.RCPT),
                Arguments.of("RCPT", "450 4.2.1 mailbox busy", Outcome.TRANSIENT_FAILURE, Stage.RCPT),
                Arguments.of("DATA", "554 5.5.1 no valid recipients", Outcome.PERMANENT_FAILURE, Stage.DATA),
                Arguments.of("DATA", "451 4.3.0 try later", Outcome.TRANSIENT_FAILURE, Stage.DATA),
                Arguments.of("DOT", "554 5.6.0 message refused", Outcome.PERMANENT_FAILURE, Stage.DATA_END),
                Arguments.of("DOT", "452 4.3.1 insufficient storage", Outcome.TRANSIENT_FAILURE, Stage.DATA_END));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("failureReplies")
    void classifiesEachReplyClassAtEachStageAndQuits(String key, String reply, Outcome outcome, Stage stage) {
        server.on(key, reply);
        engine();
        SendResult r = send();
        assertEquals(outcome, r.outcome(), r::toString);
        assertEquals(stage, r.stage(), r::toString);
        assertEquals(Integer.parseInt(reply.substring(0, 3)), r.replyCode());
        assertEquals(reply.substring(4), r.replyText());
        assertTrue(sent("QUIT"), "polite QUIT after the failure");
        assertFalse(engine.busy());
        if (key.equals("RCPT")) {
            assertEquals(FailureCause.NO_RECIPIENT_ACCEPTED, r.cause());
            assertFalse(sent("DATA"), "no DATA without an accepted recipient");
        }
    }

    @Test
    void readsTheEnhancedStatusCodeOfAFailure() {
        server.on("MAIL", "550 5.7.1 sender refused");
        engine();
        SendResult r = send();
        assertEquals(5, r.enhancedClass());
        assertEquals(7, r.enhancedSubject());
        assertEquals(1, r.enhancedDetail());
    }

    @Test
    void ignoresWhatLooksLikeAnEnhancedCodeWhenTheServerDidNotAdvertiseThem() {
        server.on("EHLO", "250-script.test\r\n250 AUTH PLAIN LOGIN");
        server.on("MAIL", "550 5.7.1 sender refused");
        engine();
        SendResult r = send();
        assertEquals(Outcome.PERMANENT_FAILURE, r.outcome(), r::toString);
        assertFalse(engine.offersEnhancedStatusCodes());
        assertEquals(0, r.enhancedClass(), r::toString);
        assertEquals("5.7.1 sender refused", r.replyText()); // kept as plain text
    }

    @Test
    void ignoresAnEnhancedCodeInTheGreetingOfANewConnectionAfterAnAdvertisingSession() {
        engine(b -> b.keepSessionOpen(true));
        assertEquals(Outcome.DELIVERED, send().outcome());
        assertTrue(engine.offersEnhancedStatusCodes());
        engine.close();
        server.on("GREETING", "554 5.3.2 no service today");
        SendResult r = send();
        assertEquals(Outcome.PERMANENT_FAILURE, r.outcome(), r::toString);
        assertEquals(Stage.GREETING, r.stage());
        assertEquals(0, r.enhancedClass(), "no EHLO on this connection yet: " + r);
        assertFalse(engine.offersEnhancedStatusCodes(), "capabilities belong to the previous connection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GREETING", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "DOT"})
    void treats421AtAnyPointAsTransientAndHangsUp(String key) {
        server.on(key, "421 4.3.2 shutting down");
        engine();
        SendResult r = send();
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), r::toString);
        assertEquals(421, r.replyCode());
        assertEquals(FailureCause.REPLY, r.cause());
        assertFalse(sent("QUIT"), "no QUIT after 421");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GREETING", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "DOT"})
    void reportsAConnectionLostAtAnyStageAsTransient(String key) {
        server.on(key, ScriptServer.CLOSE);
        engine();
        SendResult r = send();
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), r::toString);
        assertEquals(FailureCause.CONNECTION_LOST, r.cause());
        assertFalse(engine.busy());
    }

    @Test
    void reportsAConnectionLostInTheMiddleOfTheMessage() {
        server.on("DATA_LINE", ScriptServer.CLOSE);
        engine(b -> b.sendChunkBytes(64));
        message.body().clear();
        for (int i = 0; i < 600; i++) {
            message.body().append("reading ").append(i).append('\n');
        }
        SendResult r = send();
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), r::toString);
        assertEquals(FailureCause.CONNECTION_LOST, r.cause());
        assertTrue(r.stage() == Stage.MESSAGE || r.stage() == Stage.DATA_END, r::toString);
    }

    static Stream<Arguments> silences() {
        SmtpTimeouts t = SmtpTimeouts.RFC_5321;
        return Stream.of(
                Arguments.of("GREETING", Stage.GREETING, t.greeting()),
                Arguments.of("EHLO", Stage.EHLO, t.hello()),
                Arguments.of("AUTH", Stage.AUTH_PLAIN, t.auth()),
                Arguments.of("MAIL", Stage.MAIL, t.mail()),
                Arguments.of("RCPT", Stage.RCPT, t.rcpt()),
                Arguments.of("DATA", Stage.DATA, t.dataStart()),
                Arguments.of("DOT", Stage.DATA_END, t.dataEnd()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silences")
    void timesOutAfterTheRfcDeadlineOfEachStage(String key, Stage stage, long timeoutMs) {
        server.on(key, ScriptServer.SILENCE);
        engine();
        long t0 = clock.nanoTime();
        SendResult r = send();
        long waited = clock.nanoTime() - t0;
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), r::toString);
        assertEquals(FailureCause.TIMEOUT, r.cause());
        assertEquals(stage, r.stage());
        assertTrue(waited >= timeoutMs * 1_000_000L && waited <= timeoutMs * 1_000_000L + 2 * SECOND,
                "waited " + waited / SECOND + " s for a " + timeoutMs / 1000 + " s deadline");
    }

    @Test
    void honoursConfiguredTimeouts() {
        server.on("MAIL", ScriptServer.SILENCE);
        SmtpTimeouts t = new SmtpTimeouts(1000, 1000, 1000, 1000, 7000, 1000, 1000, 1000, 1000, 1000, 1000);
        engine(b -> b.timeouts(t));
        long t0 = clock.nanoTime();
        SendResult r = send();
        assertEquals(FailureCause.TIMEOUT, r.cause());
        long waited = clock.nanoTime() - t0;
        assertTrue(waited >= 7 * SECOND && waited <= 9 * SECOND, "waited " + waited);
    }

    @Test
    void boundsTheWaitForQuitAndKeepsTheDelivery() {
        server.on("QUIT", ScriptServer.SILENCE);
        engine();
        long t0 = clock.nanoTime();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome());
        assertFalse(engine.busy());
        long waited = clock.nanoTime() - t0;
        assertTrue(waited >= 10 * SECOND && waited <= 12 * SECOND, "waited " + waited);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 400 Bad Request", "SSH-2.0-OpenSSH_9.6", "250-a\r\n220 b", "\u0000\u0001"})
    void failsCleanlyOnGarbage(String garbage) {
        server.on("GREETING", garbage);
        engine();
        SendResult r = send();
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.PROTOCOL_ERROR, r.cause(), r::toString);
    }

    @Test
    void failsCleanlyOnAnEndlessLine() {
        server.on("EHLO", ScriptServer.GARBAGE_FLOOD);
        engine();
        SendResult r = send();
        assertEquals(FailureCause.PROTOCOL_ERROR, r.cause(), r::toString);
        assertEquals(Stage.EHLO, r.stage());
    }

    @Test
    void deliversAfterAnEhloReplyOf201LinesAndReadsTheCapabilitiesAtItsEnd() {
        StringBuilder ehlo = new StringBuilder("250-script.test greets you\r\n");
        for (int i = 0; i < 196; i++) {
            ehlo.append("250-X-VENDOR-EXTENSION-").append(i).append(' ').append("p".repeat(40)).append("\r\n");
        }
        ehlo.append("250-SIZE 1000000\r\n250-8BITMIME\r\n250-AUTH LOGIN PLAIN\r\n250 ENHANCEDSTATUSCODES");
        assertTrue(ehlo.length() > 4096);
        server.on("EHLO", ehlo.toString());
        engine();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertTrue(engine.offersAuthPlain() && engine.offers8BitMime() && engine.offersEnhancedStatusCodes());
        assertEquals(1_000_000, engine.sizeLimit());
        String t = transcript.toString();
        assertTrue(t.contains("<- 250-X-VENDOR-EXTENSION-195 "), "every line is transcribed as it arrives");
    }

    @Test
    void deliversWhenTheReplyToTheFinalDotHasManyLines() {
        server.on("DOT", "250-2.0.0 queued\r\n".repeat(300) + "250 2.0.0 as 42");
        engine();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals(SendResult.MAX_TEXT, r.replyTextLength(), "the kept text is bounded");
        assertTrue(r.replyText().startsWith("2.0.0 queued 2.0.0 queued"), r::replyText);
    }

    @Test
    void sendsTheSameMessageIdAndDateOnEveryAttemptOfAFixedMessage() {
        server.on("DOT", "451 4.3.0 try again later", "250 2.0.0 queued");
        engine();
        String id = dev.w5100alert.firmware.mail.MessageBuilder.newMessageId(1_700_000_000_000L, 17, 0xABCDL, "example.org");
        message.messageId(id).dateMillis(1_700_000_000_000L);
        assertEquals(Outcome.TRANSIENT_FAILURE, send().outcome());
        clock.advance(3_600 * SECOND); // the retry an hour later
        assertEquals(Outcome.DELIVERED, send().outcome());
        List<String> headers = server.dataLines().stream()
                .filter(l -> l.startsWith("Message-ID: ") || l.startsWith("Date: ")).toList();
        assertEquals(List.of("Date: Tue, 14 Nov 2023 22:13:20 +0000", "Message-ID: <" + id + ">",
                "Date: Tue, 14 Nov 2023 22:13:20 +0000", "Message-ID: <" + id + ">"), headers);
    }

    @Test
    void namesTheBoundWhenAReplyLineIsTooLong() {
        server.on("EHLO", "250-" + "z".repeat(600) + "\r\n250 ok");
        engine();
        SendResult r = send();
        assertEquals(FailureCause.PROTOCOL_ERROR, r.cause(), r::toString);
        assertEquals("reply line over 512 bytes", r.detail());
        assertTrue(r.toString().contains("reply line over 512 bytes"), r::toString);
        assertTrue(transcript.toString().contains("=== reply line over 512 bytes"), transcript::toString);
    }

    @Test
    void treatsAnUnexpectedSuccessCodeAsAProtocolError() {
        server.on("MAIL", "354 what");
        engine();
        SendResult r = send();
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.PROTOCOL_ERROR, r.cause());
    }

    @Test
    void understandsRepliesSplitIntoSingleBytes() {
        server.on("GREETING", ScriptServer.BYTE_BY_BYTE + "220-slow\r\n220 greeting");
        server.on("EHLO", ScriptServer.BYTE_BY_BYTE + "250-x\r\n250-AUTH LOGIN\r\n250 SIZE 5000000");
        server.on("AUTH_LOGIN", ScriptServer.BYTE_BY_BYTE + "334 VXNlcm5hbWU6");
        server.on("DOT", ScriptServer.BYTE_BY_BYTE + "250 2.0.0 fine");
        engine();
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals("2.0.0 fine", r.replyText());
        assertEquals(5_000_000, engine.sizeLimit());
    }

    @Test
    void deliversToTheAcceptedRecipientsAndReportsTheRefusedOne() {
        server.on("RCPT", "250 2.1.5 ok", "550 5.1.1 no such user", "251 2.1.5 forwarded");
        engine();
        message.addRecipient("nobody@example.org").addRecipient("boss@example.org");
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals(3, r.recipientCount());
        assertTrue(r.recipientAccepted(0));
        assertFalse(r.recipientAccepted(1));
        assertEquals(550, r.recipientCode(1));
        assertTrue(r.recipientAccepted(2));
        assertEquals(1, r.refusedCount());
        assertTrue(sent("DATA"));
    }

    @Test
    void resetsAndKeepsTheSessionWhenNoRecipientIsAccepted() {
        server.on("RCPT", "550 5.1.1 no such user", "250 ok");
        engine(b -> b.keepSessionOpen(true));
        SendResult r = send();
        assertEquals(Outcome.PERMANENT_FAILURE, r.outcome());
        assertEquals(FailureCause.NO_RECIPIENT_ACCEPTED, r.cause());
        assertTrue(sent("RSET"));
        assertFalse(sent("QUIT"));
        assertTrue(engine.sessionOpen());

        SendResult again = send();
        assertEquals(Outcome.DELIVERED, again.outcome(), again::toString);
        assertEquals(1, server.connections(), "second send reused the session");
        engine.close();
        assertTrue(sent("QUIT"));
        assertFalse(engine.sessionOpen());
    }

    @Test
    void reconnectsWhenTheServerDroppedAnIdleSession() {
        server.on("DOT", "250 ok\r\n421 4.4.2 idle too long");
        engine(b -> b.keepSessionOpen(true));
        assertEquals(Outcome.DELIVERED, send().outcome());
        assertEquals(Outcome.DELIVERED, send().outcome());
        assertEquals(2, server.connections());
    }

    @Test
    void refusesAMessageLargerThanTheServersSizeLimitBeforeMail() {
        server.on("EHLO", "250-x\r\n250-AUTH PLAIN\r\n250 SIZE 100");
        engine();
        SendResult r = send();
        assertEquals(Outcome.PERMANENT_FAILURE, r.outcome());
        assertEquals(FailureCause.MESSAGE_TOO_LARGE, r.cause());
        assertFalse(sent("MAIL"));
    }

    @Test
    void announces8bitMimeForANonAsciiBodyWhenOffered() {
        engine();
        message.body().clear().append("Tür offen – 21 °C");
        assertEquals(Outcome.DELIVERED, send().outcome());
        assertTrue(server.commands().stream().anyMatch(c -> c.startsWith("MAIL FROM:") && c.endsWith(" BODY=8BITMIME")),
                server.commands()::toString);
        assertTrue(server.dataLines().contains("Content-Transfer-Encoding: 8bit"));
    }

    @Test
    void usesQuotedPrintableForANonAsciiBodyWithout8bitMime() {
        server.on("EHLO", "250-x\r\n250 AUTH PLAIN");
        engine();
        message.body().clear().append("Tür offen");
        assertEquals(Outcome.DELIVERED, send().outcome());
        assertTrue(server.dataLines().contains("Content-Transfer-Encoding: quoted-printable"));
        assertTrue(server.dataLines().contains("T=C3=BCr offen"), server.dataLines()::toString);
        assertFalse(server.commands().stream().anyMatch(c -> c.contains("BODY=")));
    }

    @Test
    void rejectsCrLfInTheSubjectBeforeConnecting() {
        engine();
        message.subject().append("\r\nBcc: victim@example.org");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.start(message, 0));
        assertTrue(e.getMessage().contains("CR or LF"), e.getMessage());
        assertEquals(0, server.connections());
        assertFalse(engine.busy());
    }

    @Test
    void rejectsABadMailboxWhenItIsSet() {
        engine();
        assertThrows(IllegalArgumentException.class, () -> message.addRecipient("ops@example.org>\r\nRCPT TO:<x@y"));
        assertThrows(IllegalArgumentException.class, () -> message.addRecipient("no-at-sign"));
        assertEquals(1, message.recipientCount());
    }

    @Test
    void reportsARefusedConnection() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SmtpConfig cfg = SmtpConfig.builder().server("127.0.0.1", port).heloName("[127.0.0.1]").build();
        clock = new VirtualClock(() -> false, SECOND);
        engine = new SmtpEngine(new NioTcpLink(), clock, cfg, transcript, 1);
        message.clear().from("alert@example.org").addRecipient("ops@example.org");
        SendResult r = engine.send(message);
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.CONNECT_FAILED, r.cause());
        assertEquals(dev.w5100alert.firmware.net.TcpLink.Failure.REFUSED, r.linkFailure());
        server.start();
    }
}
