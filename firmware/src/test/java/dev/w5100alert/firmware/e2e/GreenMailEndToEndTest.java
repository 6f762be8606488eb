package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.firmware.mail.Alert;
import dev.w5100alert.firmware.mail.AlertFormatter;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.smtp.AuthMechanism;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The product's story at the firmware level: a sensor alert becomes a message, the engine speaks SMTP over
 * the link (java.nio, or W5100Driver driving the simulated chip), and GreenMail on 127.0.0.1 receives it.
 */
class GreenMailEndToEndTest {

    static final String USER = "alert-user";
    static final String PASSWORD = "gr33n-Secret!";

    private GreenMail greenMail;
    private final RecordingTranscript transcript = new RecordingTranscript();
    private Transport.Stack stack;

    @BeforeEach
    void startGreenMail() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alert@example.org", USER, PASSWORD));
        greenMail.start();
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
        greenMail.stop();
        assertFalse(transcript.toString().contains(PASSWORD), "password leaked into the transcript");
    }

    private SmtpEngine engine(Transport transport, Consumer<SmtpConfig.Builder> tweak) {
        stack = transport.open(greenMail.getSmtp().getPort(), Clock.SYSTEM);
        SmtpConfig.Builder b = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                .heloName("[192.168.1.50]").credentials(USER, PASSWORD).allowPlaintextAuth(true)
                .timeouts(new SmtpTimeouts(20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
                        20_000, 5_000));
        tweak.accept(b);
        return new SmtpEngine(stack.link(), Clock.SYSTEM, b.build(), transcript, 0xC0FFEE_1234L);
    }

    private static MailMessage doorAlert() {
        Alert alert = new Alert(1024).sensor("front-door").state("OPEN").eventTime(1_795_380_581_000L).count(3);
        alert.text().append("Last changes follow.\n.hidden line starts with a dot\n.\nend of text");
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org").addRecipient("oncall@example.net");
        new AlertFormatter(0).render(alert, m);
        return m;
    }

    private static byte[] csv() {
        StringBuilder s = new StringBuilder("time,sensor,state\r\n");
        for (int i = 0; i < 300; i++) {
            s.append("2026-11-22T20:").append(10 + i / 60).append(':').append(i % 60).append(",front-door,")
                    .append(i % 2 == 0 ? "OPEN" : "CLOSED").append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(Part p) throws Exception {
        return ((String) p.getContent()).replace("\r\n", "\n");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sensorAlertArrivesWithHeadersBodyAndAttachmentsOverAuthPlain(Transport transport) throws Exception {
        SmtpEngine engine = engine(transport, b -> { });
        MailMessage m = doorAlert();
        byte[] csv = csv();
        m.attach("readings.csv", "text/csv").append(new String(csv, StandardCharsets.US_ASCII));
        byte[] raw = new byte[777]; // every byte value, including NUL, CR and LF
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7);
        }
        m.attach("snapshot.bin", "application/octet-stream").append(raw, 0, raw.length);

        SendResult r = engine.send(m);

        assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
        assertTrue(transcript.toString().contains("-> AUTH PLAIN " + SmtpEngine.REDACTED), transcript::toString);
        assertTrue(greenMail.waitForIncomingEmail(10_000, 2));
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(2, received.length, "one copy per recipient");
        MimeMessage got = received[0];
        assertEquals("[alert] front-door: OPEN", got.getSubject());
        assertEquals("alert@example.org", got.getFrom()[0].toString());
        Set<String> to = new HashSet<>();
        for (Address a : got.getRecipients(Message.RecipientType.TO)) {
            to.add(a.toString());
        }
        assertEquals(Set.of("ops@example.org", "oncall@example.net"), to);
        String date = got.getHeader("Date")[0];
        assertTrue(date.matches("(Sun|Mon|Tue|Wed|Thu|Fri|Sat), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000"),
                date);
        Date sent = got.getSentDate();
        assertNotNull(sent, "Date header parses");
        assertTrue(Math.abs(sent.getTime() - System.currentTimeMillis()) < 600_000, "Date is now: " + sent);
        String id = got.getMessageID();
        assertTrue(id.matches("<\\d+\\.\\d+\\.[0-9a-f]{16}@example\\.org>"), id);
        assertEquals("1.0", got.getHeader("MIME-Version")[0]);

        Multipart parts = (Multipart) got.getContent();
        assertEquals(3, parts.getCount(), "text and two attachments");
        Part body = parts.getBodyPart(0);
        assertTrue(body.isMimeType("text/plain"));
        assertTrue(body.getContentType().toUpperCase(Locale.ROOT).contains("CHARSET=UTF-8"), body.getContentType());
        String bodyText = text(body);
        assertTrue(bodyText.startsWith("Sensor: front-door\nState: OPEN\nTime: Sun, 22 Nov 2026 20:49:41 +0000\n"
                + "Changes: 3\n"), bodyText);
        assertTrue(bodyText.endsWith("\n.hidden line starts with a dot\n.\nend of text"),
                "dot-stuffed lines restored: " + bodyText);

        Part attachment = parts.getBodyPart(1);
        assertEquals(Part.ATTACHMENT, attachment.getDisposition());
        assertEquals("readings.csv", attachment.getFileName());
        assertTrue(attachment.isMimeType("text/csv"));
        assertArrayEquals(csv, readAll(attachment.getInputStream()), "attachment intact");
        Part second = parts.getBodyPart(2);
        assertEquals(Part.ATTACHMENT, second.getDisposition());
        assertEquals("snapshot.bin", second.getFileName());
        assertArrayEquals(raw, readAll(second.getInputStream()), "second attachment intact");
        if (stack.sim() != null) {
            assertEquals(0, stack.sim().counters().unhandled(), stack.sim().unhandledLog().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void deliversOverAuthLoginWithANonAsciiSubjectAndBody(Transport transport) throws Exception {
        SmtpEngine engine = engine(transport, b -> b.authMechanism(AuthMechanism.LOGIN));
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org");
        String subject = "Kühlraum: Temperatur über 8 °C – bitte prüfen 🧊 " + "sehr lange Betreffzeile ".repeat(3);
        m.subject().append(subject);
        m.body().append("Grüße aus dem Keller\n.\n" + "x".repeat(1200) + "\n");

        SendResult r = engine.send(m);

        assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
        String t = transcript.toString();
        assertTrue(t.contains("-> AUTH LOGIN\n<- 334 VXNlcm5hbWU6\n<-     (decoded: Username:)\n-> " + SmtpEngine.REDACTED), t);
        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        MimeMessage got = greenMail.getReceivedMessages()[0];
        String rawSubject = got.getHeader("Subject")[0];
        assertTrue(rawSubject.startsWith("=?UTF-8?B?"), rawSubject);
        assertEquals(subject, MimeUtility.decodeText(MimeUtility.unfold(rawSubject)));
        // The CRLF before the terminator belongs to it (RFC 5321 section 4.1.1.4), so the text ends without one.
        assertEquals("Grüße aus dem Keller\n.\n" + "x".repeat(1200), text(got).replaceAll("\n$", ""));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void reportsAnAuthenticationFailureForAWrongPassword(Transport transport) {
        SmtpEngine engine = engine(transport, b -> b.credentials(USER, "wrong-password"));
        SendResult r = engine.send(doorAlert());
        assertEquals(Outcome.AUTH_FAILURE, r.outcome(), () -> r + "\n" + transcript);
        assertEquals(FailureCause.REPLY, r.cause());
        assertEquals(535, r.replyCode());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendsSeveralAlertsOverOneKeptSession(Transport transport) throws Exception {
        SmtpEngine engine = engine(transport, b -> b.keepSessionOpen(true));
        MailMessage m = doorAlert();
        for (int i = 0; i < 3; i++) {
            m.subject().clear().append("alert ").append(i);
            assertEquals(Outcome.DELIVERED, engine.send(m).outcome(), transcript::toString);
            assertTrue(engine.sessionOpen());
        }
        engine.close();
        assertFalse(engine.sessionOpen());
        assertTrue(greenMail.waitForIncomingEmail(10_000, 6));
        Set<String> subjects = new HashSet<>();
        for (MimeMessage got : greenMail.getReceivedMessages()) {
            subjects.add(got.getSubject());
        }
        assertEquals(Set.of("alert 0", "alert 1", "alert 2"), subjects);
        assertEquals(1, transcript.toString().split("=== connected", -1).length - 1, "one connection");
        assertTrue(transcript.toString().endsWith("-> QUIT\n<- 221 2.0.0 Service closing transmission channel\n")
                || transcript.toString().contains("-> QUIT\n<- 221"), transcript::toString);
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
