package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's story, end to end: a door switch on a (mock) GPIO pin opens; the firmware loop
 * debounces it, raises an alert, stores it in the outbox on disk, and the SMTP engine delivers it
 * through the W5100 driver and the simulated chip to GreenMail on 127.0.0.1.
 */
class SensorToMailboxStoryTest {

    static final String PASSWORD = "story-Secret-42";

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1

            [smtp]
            server = 192.168.1.10
            port = 25
            # a plain test server: this test is about delivery, not TLS (see TlsDeliveryTest)
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org, boss@example.org
            username = alarm
            password-env = STORY_PW
            allow-plaintext-auth = true
            timeout = 20s

            [outbox]
            retry-initial = 200ms
            retry-max = 1s

            [sensor door]
            pin = 17
            pull = up
            active = low
            debounce = 20ms
            active-name = open
            inactive-name = closed
            subject = [alarm] {sensor} {state}
            body = The {sensor} is {state} (at {time}).\\n{changes}
            min-interval = 0s
            csv-events = 5
            """;

    @TempDir
    Path dir;

    GreenMail greenMail;
    final ByteArrayOutputStream transcriptBytes = new ByteArrayOutputStream();
    final Log.Recording log = new Log.Recording();

    @BeforeEach
    void startMailServer() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alarm@example.org", "alarm", PASSWORD));
        greenMail.start();
    }

    @AfterEach
    void stopMailServer() {
        greenMail.stop();
    }

    BoardConfig config() throws Exception {
        return new ConfigParser(Map.of("STORY_PW", PASSWORD)::get)
                .parse("story.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
    }

    @Test
    void doorOpeningOnTheMockGpioLandsInGreenMailWithSubjectBodyRecipientsAndHeaders() throws Exception {
        PrintStream transcript = new PrintStream(transcriptBytes, true, StandardCharsets.UTF_8);
        try (SimulatedBoard board = SimulatedBoard.start(config(), greenMail.getSmtp().getPort(), dir.resolve("outbox"),
                Clock.SYSTEM, log, new dev.w5100alert.board.mail.PrintTranscript(transcript, ""))) {
            board.stack.bringUp();

            board.trip(0, true); // the door opens: pin 17 pulled low

            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + 60_000_000_000L),
                    () -> "not delivered in time; log: " + log.lines());
            assertEquals(1, board.stack.agent.deliveredCount());
            assertEquals(0, board.stack.outbox.pendingCount());
        }

        assertTrue(greenMail.waitForIncomingEmail(10_000, 2));
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(2, received.length, "one copy per recipient mailbox");
        MimeMessage m = received[0];
        assertEquals("[alarm] door open", m.getSubject());
        assertEquals("alarm@example.org", m.getFrom()[0].toString());
        Set<String> to = Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of("ops@example.org", "boss@example.org"), to);
        assertNotNull(m.getSentDate(), "Date header");
        String messageId = m.getMessageID();
        assertTrue(messageId != null && messageId.endsWith("@example.org>"), "Message-ID: " + messageId);
        assertEquals("1.0", m.getHeader("MIME-Version", null));

        Multipart parts = (Multipart) m.getContent();
        String body = (String) parts.getBodyPart(0).getContent();
        assertTrue(body.startsWith("The door is open (at 20"), body);
        Part csv = parts.getBodyPart(1);
        assertEquals("door-events.csv", csv.getFileName());
        String csvText = new String(csv.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(csvText.startsWith("time,sensor,state\r\n") && csvText.contains(",door,open"), csvText);

        String t = transcriptBytes.toString(StandardCharsets.UTF_8);
        assertTrue(t.contains(" -> MAIL FROM:<alarm@example.org>"), t);
        assertTrue(t.contains(" -> RCPT TO:<boss@example.org>"), t);
        assertFalse(t.contains(PASSWORD), "password must not reach the transcript");
        assertFalse(String.join("\n", log.lines()).contains(PASSWORD));
        assertTrue(log.contains("alert 1 delivered"), log.lines()::toString);
        List<String> sensorLines = log.lines().stream().filter(l -> l.contains("sensor door is open")).toList();
        assertEquals(1, sensorLines.size(), log.lines()::toString);
    }
}
