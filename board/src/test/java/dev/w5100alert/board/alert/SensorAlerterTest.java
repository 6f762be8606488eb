package dev.w5100alert.board.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rate limiting and coalescing on a fake clock: times are plain numbers passed in. */
class SensorAlerterTest {

    static final long S = 1_000_000_000L;
    static final long T0_MILLIS = 1_795_000_000_000L; // 2026-11-18

    static BoardConfig.Sensor door(boolean coalesce, int csv) {
        return new BoardConfig.Sensor("door", 17, BoardConfig.Pull.UP, false, Duration.ofMillis(50), "open", "closed",
                new BoardConfig.AlertRule("Door {state} ({count})", "{sensor} {state} at {time}.{changes}",
                        List.of("ops@example.org"), Duration.ofSeconds(60), coalesce, csv));
    }

    /** Changes at second {@code s}: wall clock moves with the monotonic one. */
    static void change(SensorAlerter a, boolean active, long s) {
        a.onChange(active, T0_MILLIS + s * 1000, s * S);
    }

    static Alert pollAndAccept(SensorAlerter a, long s) {
        Alert alert = a.poll(s * S);
        if (alert != null) {
            a.accepted(s * S, T0_MILLIS + s * 1000);
        }
        return alert;
    }

    @Test
    void firstChangeIsMailedAtOnce() {
        SensorAlerter a = new SensorAlerter(door(true, 0));
        assertNull(a.poll(0));
        change(a, true, 0);
        Alert alert = pollAndAccept(a, 0);
        assertNotNull(alert);
        assertEquals("Door open (1)", alert.subject());
        assertEquals("door open at 2026-11-18T11:06:40Z.", alert.body());
        assertEquals(List.of("ops@example.org"), alert.recipients());
        assertNull(alert.csv());
    }

    @Test
    void changesInsideTheMinimumIntervalAreCoalescedIntoOneMailWhenItEnds() {
        SensorAlerter a = new SensorAlerter(door(true, 0));
        change(a, true, 0);
        assertNotNull(pollAndAccept(a, 0));
        change(a, false, 10);
        change(a, true, 20);
        change(a, false, 30);
        for (long s = 10; s < 60; s++) {
            assertNull(pollAndAccept(a, s), "no mail inside the quiet period, second " + s);
        }
        Alert summary = pollAndAccept(a, 60);
        assertNotNull(summary);
        assertEquals("Door closed (3)", summary.subject());
        assertTrue(summary.body().endsWith(".3 more changes since 2026-11-18T11:06:40Z; now closed."), summary.body());
        assertEquals(0, a.pending());
        assertNull(pollAndAccept(a, 200), "nothing left to say");
    }

    @Test
    void aSingleChangeInsideTheIntervalIsStillReportedAsDeferred() {
        SensorAlerter a = new SensorAlerter(door(true, 0));
        change(a, true, 0);
        pollAndAccept(a, 0);
        change(a, false, 5);
        assertNull(pollAndAccept(a, 59));
        Alert late = pollAndAccept(a, 60);
        assertTrue(late.body().contains("1 more change since"), late.body());
    }

    @Test
    void aChangeAfterTheQuietPeriodIsMailedImmediatelyWithoutSummary() {
        SensorAlerter a = new SensorAlerter(door(true, 0));
        change(a, true, 0);
        pollAndAccept(a, 0);
        change(a, false, 61);
        Alert alert = pollAndAccept(a, 61);
        assertNotNull(alert);
        assertEquals("door closed at 2026-11-18T11:07:41Z.", alert.body());
    }

    @Test
    void withoutCoalescingChangesInTheQuietPeriodAreCountedNotMailed() {
        SensorAlerter a = new SensorAlerter(door(false, 0));
        change(a, true, 0);
        pollAndAccept(a, 0);
        change(a, false, 10);
        change(a, true, 20);
        assertNull(pollAndAccept(a, 60));
        assertEquals(2, a.suppressed());
        change(a, false, 70);
        assertEquals("Door closed (1)", pollAndAccept(a, 70).subject());
    }

    @Test
    void aRefusedAlertKeepsItsChangesAndIsRetriedLaterWithThemAll() {
        SensorAlerter a = new SensorAlerter(door(true, 0));
        change(a, true, 0);
        assertNotNull(a.poll(0));
        a.refused(0); // outbox full
        change(a, false, 1);
        assertNull(a.poll(30 * S), "refusal waits at least the minimum interval");
        Alert retry = pollAndAccept(a, 60);
        assertEquals("Door closed (2)", retry.subject());
    }

    @Test
    void csvAttachmentHoldsTheMostRecentEventsOldestFirst() {
        SensorAlerter a = new SensorAlerter(door(true, 3));
        change(a, true, 0);
        pollAndAccept(a, 0);
        change(a, false, 1);
        change(a, true, 2);
        change(a, false, 3);
        Alert alert = pollAndAccept(a, 60);
        assertEquals("door-events.csv", alert.csvName());
        assertEquals("time,sensor,state\r\n"
                + "2026-11-18T11:06:41Z,door,closed\r\n"
                + "2026-11-18T11:06:42Z,door,open\r\n"
                + "2026-11-18T11:06:43Z,door,closed\r\n", alert.csv());
    }

    @Test
    void templatesRejectUnknownPlaceholdersAndRenderLiteralBraces() {
        assertNull(Template.check("{sensor} {{} x"));
        assertEquals("door { x", Template.render("{sensor} {{} x", "door", "", "", 1, "", ""));
        assertTrue(Template.check("a } b").contains("unmatched"));
    }
}
