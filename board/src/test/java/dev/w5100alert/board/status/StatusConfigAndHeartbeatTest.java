package dev.w5100alert.board.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigException;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.hal.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code [status]} and {@code [heartbeat]} in the configuration, and the heartbeat mail through a real outbox. */
class StatusConfigAndHeartbeatTest {

    static final String BASE = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org
            username = the-user
            password-env = PW
            allow-plaintext-auth = true
            [sensor door]
            pin = 17
            """;

    @TempDir
    Path dir;

    BoardConfig parse(String extra) throws ConfigException {
        return new ConfigParser(k -> k.equals("PW") ? "hunter2-secret" : null)
                .parse("b.conf", Arrays.asList((BASE + extra).split("\n")), dir, null);
    }

    @Test
    void statusAndHeartbeatAreOffUnlessConfigured() throws Exception {
        BoardConfig c = parse("");
        assertFalse(c.status().enabled());
        assertFalse(c.heartbeat().enabled());
        assertFalse(parse("[status]\nport = off\n[heartbeat]\nevery = off\n").status().enabled());
        BoardConfig on = parse("[status]\nport = 8080\n[heartbeat]\nevery = 1d\nat = 07:30\n");
        assertEquals(8080, on.status().port());
        assertEquals(Duration.ofDays(1), on.heartbeat().every());
        assertEquals(LocalTime.of(7, 30), on.heartbeat().at());
        assertEquals(LocalTime.of(8, 0), parse("[heartbeat]\nevery = 12h\n").heartbeat().at());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[status]\\nport = 0|status.port",
            "[status]\\nport = 70000|status.port",
            "[status]\\nport = +80|status.port",
            "[status]\\nport = ８０|status.port",
            "[status]\\nbind = 0.0.0.0|status.bind",
            "[heartbeat]\\nevery = 1d\\nat = 8:00|heartbeat.at",
            "[heartbeat]\\nevery = 1d\\nat = 24:00|heartbeat.at",
            "[heartbeat]\\nevery = 1d\\nat = 08:60|heartbeat.at",
            "[heartbeat]\\nevery = 10s|heartbeat.every",
            "[heartbeat]\\nevery = daily|heartbeat.every"})
    void badValuesAreErrorsNamingTheKey(String extra, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(extra.replace("\\n", "\n") + "\n"));
        assertEquals(1, e.errors().size(), e.errors()::toString);
        assertTrue(e.errors().get(0).toString().contains(key), e.errors()::toString);
    }

    /** A clock the test moves. */
    static final class TestClock implements Clock {
        long millis;

        @Override
        public long nanoTime() {
            return millis * 1_000_000L;
        }

        @Override
        public long epochMillis() {
            return millis;
        }

        @Override
        public void idle() {
            millis++;
        }
    }

    @Test
    void heartbeatIsQueuedAtItsTimeSaysWhatHappenedAndIsNotQueuedTwice() throws Exception {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        BoardConfig c = parse("[heartbeat]\nevery = 1d\nat = 08:00\n");
        TestClock clock = new TestClock();
        clock.millis = ZonedDateTime.of(2026, 12, 1, 7, 59, 0, 0, zone).toInstant().toEpochMilli();
        Log.Recording log = new Log.Recording();
        try (Outbox outbox = Outbox.open(dir.resolve("ob"), 100, new Backoff(1_000_000_000L, 2_000_000_000L, 1),
                Duration.ofDays(3).toMillis(), log)) {
            StatusModel model = new StatusModel(c, new boolean[] {false}, clock.millis, clock.nanoTime());
            Heartbeat hb = new Heartbeat(c, model, outbox, clock, zone, log);
            assertEquals(ZonedDateTime.of(2026, 12, 1, 8, 0, 0, 0, zone).toInstant().toEpochMilli(), hb.nextDueMillis());
            assertEquals(0, hb.doWork(clock.nanoTime()));
            assertEquals(0, outbox.pendingCount());

            // Two alerts and a failure before eight.
            Alert door = new Alert(7, "door", clock.millis, "s", "b", List.of("ops@example.org"), null, null);
            model.alertAccepted(door, clock.millis);
            model.alertAccepted(door, clock.millis);
            model.attemptEnded(door, Delivery.transientFailure(451, "4.3.0 try later, the-user / hunter2-secret"),
                    clock.millis);
            clock.millis += 60_000;
            assertEquals(1, hb.doWork(clock.nanoTime()));
            assertEquals(1, outbox.pendingCount());
            Alert queued = outbox.pendingAlerts().get(0);
            assertEquals(Heartbeat.SENSOR, queued.sensor());
            assertEquals(List.of("ops@example.org"), queued.recipients());
            assertTrue(queued.body().startsWith("alive, 2 alerts since the last heartbeat, queue 0, last failure "),
                    queued.body());
            assertTrue(queued.body().contains("451 4.3.0 try later, <redacted> / <redacted>"), queued.body());
            assertFalse(queued.body().contains("hunter2-secret"));

            // A day later the first is still queued (server down): no second one.
            clock.millis += 86_400_000L;
            assertEquals(1, hb.doWork(clock.nanoTime()));
            assertEquals(1, outbox.pendingCount());
            assertEquals(1, hb.coalesced());

            // Once it went out, the next day's heartbeat is queued again and counts from the last one.
            outbox.delivered(queued.id());
            model.alertAccepted(door, clock.millis);
            clock.millis += 86_400_000L;
            assertEquals(1, hb.doWork(clock.nanoTime()));
            assertEquals(2, hb.sent());
            assertTrue(outbox.pendingAlerts().get(0).body().startsWith("alive, 1 alert since the last heartbeat"),
                    outbox.pendingAlerts().get(0).body());
        }
    }

    @Test
    void theStatusModelNeverKeepsCredentialsOrRecipientsFromAReply() throws Exception {
        BoardConfig c = parse("");
        StatusModel m = new StatusModel(c, new boolean[] {false}, 0, 0);
        Alert a = new Alert(1, "door", 0, "s", "b", List.of("ops@example.org"), null, null);
        m.attemptEnded(a, Delivery.permanentFailure(550, "5.1.1 <ops@example.org> unknown; auth the-user:hunter2-secret\r\nX"), 5);
        assertEquals("550 5.1.1 <<redacted>> unknown; auth <redacted>:<redacted>  X", m.lastFailure());
        assertEquals(1, m.failed());
    }
}
