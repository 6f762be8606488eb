package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.NioTcpLink;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.ScriptServer;
import dev.w5100alert.firmware.testing.VirtualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that echoes the password back, decoded or re-encoded, in any reply: nothing of it may reach the
 * transcript or the result (whose text the board logs and prints).
 */
class EchoedSecretTest {

    static final String USER = "alert-user";
    static final String PASSWORD = "s3cret-Pa55word";

    private final ScriptServer server;
    private final RecordingTranscript transcript = new RecordingTranscript();
    private SmtpEngine engine;
    private SendResult result;
    private final MailMessage message = new MailMessage(MessageLimits.DEFAULT);

    EchoedSecretTest() throws IOException {
        server = new ScriptServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
    }

    private SendResult send(Consumer<SmtpConfig.Builder> tweak) {
        server.start();
        SmtpConfig.Builder b = SmtpConfig.builder().server("127.0.0.1", server.port()).heloName("[127.0.0.1]")
                .credentials(USER, PASSWORD).allowPlaintextAuth(true);
        tweak.accept(b);
        VirtualClock clock = new VirtualClock(server::silent, 1_000_000_000L);
        engine = new SmtpEngine(new NioTcpLink(), clock, b.build(), transcript, 7);
        message.clear().from("alert@example.org").addRecipient("ops@example.org");
        message.subject().append("Door open");
        message.body().append("The door is open.");
        result = engine.send(message);
        return result;
    }

    private SendResult send() {
        return send(b -> { });
    }

    private static String b64(String raw) {
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything a server's text reaches: the transcript, the result's text and its log form. */
    private String everything() {
        return transcript + "\n" + result.replyText() + "\n" + result;
    }

    /**
     * Whether {@code text} still reveals the password: as is, or (any 4 bytes of it) inside the decoding of a
     * Base64 run at any of the four character offsets, standard or URL-safe alphabet.
     */
    static String leak(String text) {
        return leak(text, PASSWORD);
    }

    /** As {@link #leak(String)}, for any password. */
    static String leak(String text, String password) {
        if (text.contains(password)) {
            return "plain password";
        }
        Matcher m = Pattern.compile("[A-Za-z0-9+/_-]{4,}").matcher(text);
        while (m.find()) {
            String run = m.group().replace('-', '+').replace('_', '/');
            for (int off = 0; off < 4; off++) {
                int n = (run.length() - off) / 4 * 4;
                if (n <= 0) {
                    continue;
                }
                String decoded = new String(Base64.getDecoder().decode(run.substring(off, off + n)),
                        StandardCharsets.ISO_8859_1);
                for (int i = 0; i + 4 <= password.length(); i++) {
                    if (decoded.contains(password.substring(i, i + 4))) {
                        return "base64 run '" + m.group() + "' decodes to part of the password";
                    }
                }
            }
        }
        return null;
    }

    private void assertNoLeak() {
        String e = everything();
        String leak = leak(e);
        assertEquals(null, leak, e);
    }

    @Test
    void masksThePlainPasswordInA535() {
        server.on("AUTH", "535 5.7.8 password " + PASSWORD + " is wrong");
        SendResult r = send();
        assertEquals(Outcome.AUTH_FAILURE, r.outcome(), r::toString);
        assertTrue(r.replyText().contains("password *************** is wrong"), r::replyText);
        assertNoLeak();
    }

    @Test
    void masksThePasswordOnTheSecondLineOfAMultiLineReply() {
        server.on("AUTH", "535-5.7.8 authentication failed\r\n535 5.7.8 you sent [" + PASSWORD + "]");
        SendResult r = send();
        assertEquals(535, r.replyCode());
        assertTrue(transcript.toString().contains("<- 535 5.7.8 you sent [***************]"), transcript::toString);
        assertNoLeak();
    }

    @ParameterizedTest(name = "alignment {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void masksTheBase64OfThePasswordAtAnyAlignmentInsideALongerRun(int prefix) {
        String raw = "x".repeat(prefix) + PASSWORD + "-tail-bytes";
        String encoded = b64(raw);
        if (prefix % 3 != 0) {
            assertFalse(encoded.contains(b64(PASSWORD).substring(0, 8)), "the run does not hold the plain encoding");
        }
        server.on("AUTH", "501 5.5.2 cannot decode " + encoded);
        send();
        assertTrue(leak(encoded) != null, "the oracle sees the secret in the unmasked run");
        assertNoLeak();
    }

    @ParameterizedTest(name = "alignment {0}")
    @ValueSource(ints = {0, 1, 2})
    void masksTheUrlSafeBase64OfThePassword(int prefix) {
        String encoded = Base64.getUrlEncoder().encodeToString(("?" .repeat(prefix) + PASSWORD + ">>")
                .getBytes(StandardCharsets.UTF_8));
        server.on("AUTH", "535 5.7.8 token " + encoded + " refused");
        send();
        assertNoLeak();
    }

    @Test
    void masksTheUserPasswordPairPlainAndEncoded() {
        String pair = USER + ":" + PASSWORD;
        server.on("AUTH", "535-5.7.8 bad pair " + pair + "\r\n535 5.7.8 basic " + b64(pair));
        send();
        assertNoLeak();
        assertTrue(transcript.toString().contains("bad pair " + USER + ":*"), transcript::toString);
    }

    @Test
    void masksTheDecodedAuthPlainPayload() {
        server.on("AUTH", "535 5.7.8 decoded \u0000" + USER + "\u0000" + PASSWORD + " rejected");
        send();
        assertNoLeak();
    }

    @Test
    void masksTheExactAuthPlainPayloadWithItsPadding() {
        String payload = b64("\0" + USER + "\0" + PASSWORD);
        server.on("AUTH", "501 5.5.2 cannot decode " + payload);
        send();
        assertNoLeak();
        assertFalse(everything().contains(payload.substring(8)), this::everything);
    }

    @Test
    void masksThePasswordInThe250ThatAcceptsTheMessage() {
        server.on("DOT", "250-2.0.0 queued\r\n250 2.0.0 thanks, " + PASSWORD + " / " + b64("pw=" + PASSWORD));
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertNoLeak();
    }

    @Test
    void masksThePasswordInAnEhloLineAndAGreeting() {
        server.on("GREETING", "220 hello " + PASSWORD);
        server.on("EHLO", "250-script.test\r\n250-X-ECHO " + PASSWORD + "\r\n250 AUTH PLAIN");
        SendResult r = send();
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertNoLeak();
    }

    @Test
    void masksAPasswordPromptThatDecodesToThePassword() {
        server.on("EHLO", "250-script.test\r\n250 AUTH LOGIN");
        server.on("AUTH_USER", "334 " + b64(PASSWORD));
        send();
        assertNoLeak();
    }

    @Test
    void masksThePasswordInTheVisiblePartOfAnOverlongLine() {
        server.on("AUTH", "535 " + PASSWORD + " " + "z".repeat(700));
        SendResult r = send();
        assertEquals(FailureCause.PROTOCOL_ERROR, r.cause(), r::toString);
        assertNoLeak();
    }

    @Test
    void leavesRepliesWithoutSecretsAlone() {
        server.on("DOT", "250 2.0.0 Ok: queued as 4ABC123 s3cret-Pa55wor");
        SendResult r = send();
        assertEquals("2.0.0 Ok: queued as 4ABC123 s3cret-Pa55wor", r.replyText(), "a near miss is not masked");
    }
}
