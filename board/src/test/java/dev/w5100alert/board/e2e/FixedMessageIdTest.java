package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import dev.w5100alert.hal.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: every retry was a different message. Seven attempts of one alert (421 after DATA six times, then
 * 250), with a restart of the board (new boot nonce) after the third: all seven DATA transcripts carry one
 * Message-ID and one Date, the ones the outbox fixed when it accepted the alert.
 */
class FixedMessageIdTest {

    @TempDir
    Path dir;

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (.*)$").matcher(message);
        return m.find() ? m.group(1).strip() : null;
    }

    @Test
    void sevenAttemptsOfOneAlertAreOneMessageIdAndOneDate() throws Exception {
        Path config = dir.resolve("board.conf");
        Files.writeString(config, """
                [network]
                mac = 02:00:5e:10:00:01
                ip = 192.168.1.50
                subnet = 255.255.255.0
                gateway = 192.168.1.1
                [smtp]
                server = 192.168.1.10
                port = 25
                # a plain test server: this test is not about TLS
                tls = none
                sender = alarm@example.org
                recipients = ops@example.org
                timeout = 10s
                [outbox]
                retry-initial = 100ms
                retry-max = 200ms
                [sensor door]
                pin = 17
                """);
        BoardConfig cfg = new ConfigParser(k -> null).parse(config);
        Path outbox = dir.resolve("outbox");
        Log log = new Log.Recording();
        String storedId;
        long storedDate;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.DATA_421, Behaviour.DATA_421,
                Behaviour.DATA_421, Behaviour.DATA_421, Behaviour.DATA_421, Behaviour.DATA_421)) {
            try (SimulatedBoard board = SimulatedBoard.start(cfg, server.port(), outbox, Clock.SYSTEM, log, null)) {
                board.stack.bringUp();
                assertEquals(Outbox.Offer.ACCEPTED, board.stack.outbox.offer(new Alert(0, "door",
                        System.currentTimeMillis() - 3_600_000L, "Door open", "The door is open.", cfg.smtp().recipients(),
                        null, null)));
                Alert stored = board.stack.outbox.pendingAlerts().get(0);
                storedId = stored.messageId();
                storedDate = stored.dateMillis();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (board.stack.outbox.attempts(1) < 3 && System.nanoTime() - deadline < 0) {
                    if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                        Thread.sleep(1);
                    }
                }
                assertEquals(3, board.stack.outbox.attempts(1));
            }
            try (SimulatedBoard board = SimulatedBoard.start(cfg, server.port(), outbox, Clock.SYSTEM, log, null)) {
                board.stack.bringUp();
                assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + 60_000_000_000L), "delivered in the end");
            }
            List<String> data = server.dataSeen();
            assertEquals(7, data.size(), "seven DATA transcripts");
            assertEquals(1, server.received().size(), "one accepted");
            Set<String> ids = new TreeSet<>();
            Set<String> dates = new TreeSet<>();
            for (String m : data) {
                ids.add(header(m, "Message-ID"));
                dates.add(header(m, "Date"));
            }
            assertEquals(Set.of("<" + storedId + ">"), ids, "one Message-ID across all attempts");
            assertEquals(1, dates.size(), "one Date across all attempts: " + dates);
            assertTrue(storedId.endsWith("@example.org"), "minted with the sender's domain: " + storedId);
            assertEquals(storedDate / 1000, java.time.ZonedDateTime.parse(dates.iterator().next(),
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond(),
                    "the Date is the moment of acceptance");
        }
    }
}
