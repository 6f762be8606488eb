package dev.w5100alert.board.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.board.testing.ManualClock;
import dev.w5100alert.board.testing.ScriptedTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertAgentTest {

    static final long MS = 1_000_000L;
    static final long S = 1000 * MS;

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    final Log.Recording log = new Log.Recording();
    final SensorEventQueue queue = new SensorEventQueue(16);
    final boolean[] pinLevels = new boolean[1];

    static BoardConfig.Sensor door() {
        return new BoardConfig.Sensor("door", 17, BoardConfig.Pull.UP, false, Duration.ofMillis(50), "open", "closed",
                new BoardConfig.AlertRule("Door {state}", "{sensor} {state}{changes}", List.of("ops@example.org"),
                        Duration.ofSeconds(60), true, 0));
    }

    Outbox outbox() throws IOException {
        return Outbox.open(dir, 10, new Backoff(S, 8 * S, 3), 86_400_000L, log);
    }

    AlertAgent agent(Outbox outbox, ScriptedTransport transport, ChipSupervisor chip) {
        return new AlertAgent(List.of(door()), queue, i -> pinLevels[i], new boolean[] {false}, outbox, transport,
                chip, clock, log, 5 * S);
    }

    void edge(boolean active) {
        pinLevels[0] = active;
        queue.offer(0, active, clock.epochMillis(), clock.nanoTime());
    }

    void runFor(AlertAgent agent, long nanos) {
        long end = clock.nanoTime() + nanos;
        while (clock.nanoTime() - end < 0) {
            if (agent.doWork(clock.nanoTime()) == 0) {
                clock.idle();
            }
        }
    }

    @Test
    void aSettledEdgeBecomesOneDeliveredAlert() throws IOException {
        ScriptedTransport t = new ScriptedTransport(3);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 49 * MS);
            assertEquals(0, o.pendingCount() + t.started.size(), "not before the debounce time");
            runFor(agent, 100 * MS);
            assertEquals(1, t.delivered.size());
            assertEquals("Door open", t.delivered.get(0).subject());
            assertTrue(agent.idle());
            assertEquals(0, o.pendingCount());
        }
    }

    @Test
    void aBounceShorterThanTheDebounceTimeRaisesNothing() throws IOException {
        ScriptedTransport t = new ScriptedTransport(1);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 10 * MS);
            edge(false);
            runFor(agent, 200 * MS);
            assertTrue(t.started.isEmpty());
        }
    }

    @Test
    void transientFailuresAreRetriedWithBackoffUntilDelivered() throws IOException {
        ScriptedTransport t = new ScriptedTransport(2)
                .then(Delivery.transientFailure(421, "421 4.3.2 shutting down"))
                .then(Delivery.transientFailure(0, "timeout waiting for greeting"));
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 200 * MS);
            assertEquals(1, t.started.size(), "first attempt failed, waiting for backoff");
            assertEquals(1, o.pendingCount());
            runFor(agent, 10 * S);
            assertEquals(3, t.started.size());
            assertEquals(1, t.delivered.size());
            assertEquals(0, o.pendingCount());
            assertTrue(log.contains("attempt 1: 421 4.3.2 shutting down"), log.lines()::toString);
        }
    }

    @Test
    void aPermanentFailureIsLoggedAndNotRetried() throws IOException {
        ScriptedTransport t = new ScriptedTransport(1).then(Delivery.permanentFailure(550, "550 5.1.1 unknown user"));
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 30 * S);
            assertEquals(1, t.started.size());
            assertEquals(1, agent.failedCount());
            assertTrue(log.contains("failed permanently: 550 5.1.1 unknown user"), log.lines()::toString);
        }
    }

    /** A chip that dies mid-send; recovers after its first reset. */
    static final class FlakyChip implements ChipSupervisor {
        boolean alive = true;
        int resets;

        @Override
        public boolean responding() {
            return alive;
        }

        @Override
        public String reset() {
            resets++;
            alive = true;
            return null;
        }
    }

    @Test
    void aChipThatStopsAnsweringIsResetAndTheAlertInFlightIsSentAfterwards() throws IOException {
        ScriptedTransport t = new ScriptedTransport(1).then(null); // the first send hangs: chip is dead
        FlakyChip chip = new FlakyChip();
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, chip);
            edge(true);
            runFor(agent, 1 * S);
            assertTrue(t.busy(), "stuck in the hung send");
            chip.alive = false;
            runFor(agent, 5 * S);
            assertEquals(1, chip.resets);
            assertEquals(1, t.aborted);
            assertEquals(2, t.started.size(), "sent again after the reset");
            assertEquals(1, t.delivered.size());
            assertEquals(0, o.attempts(1), "a chip reset is not the server's fault");
            assertTrue(log.contains("network chip stopped answering"));
            assertTrue(log.contains("reset and configured again"));
        }
    }

    @Test
    void aChipThatCannotBeResetKeepsAlertsQueuedAndIsRetried() throws IOException {
        ScriptedTransport t = new ScriptedTransport(1);
        ChipSupervisor dead = new ChipSupervisor() {
            int tries;

            @Override
            public boolean responding() {
                return tries >= 3;
            }

            @Override
            public String reset() {
                tries++;
                return tries >= 3 ? null : "every read is 0xFF: MISO not connected or chip unpowered";
            }
        };
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, dead);
            runFor(agent, 6 * S); // first health check finds it dead
            edge(true);
            runFor(agent, 1 * S);
            assertEquals(1, o.pendingCount(), "queued while the chip is down");
            assertTrue(t.started.isEmpty());
            runFor(agent, 15 * S);
            assertEquals(1, t.delivered.size());
            assertEquals(3, agent.chipResets());
            assertTrue(log.contains("MISO not connected"));
        }
    }

    @Test
    void shutdownParksAHungSendAndTheAlertIsSentAfterRestart() throws IOException {
        ScriptedTransport hung = new ScriptedTransport(1).then(null);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, hung, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 1 * S);
            assertTrue(hung.busy());
            agent.finishOrPark(2 * S);
            assertEquals(1, hung.aborted);
            assertTrue(log.contains("parked in the outbox"));
        }
        ScriptedTransport fine = new ScriptedTransport(1);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, fine, ChipSupervisor.NONE);
            runFor(agent, 1 * S);
            assertEquals(List.of("Door open"), fine.delivered.stream().map(Alert::subject).toList());
        }
    }

    @Test
    void shutdownSaysWhichChangesWaitingForMinIntervalAreNotKept() throws IOException {
        ScriptedTransport t = new ScriptedTransport(1);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, t, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 1 * S);
            assertEquals(1, t.delivered.size());
            agent.finishOrPark(S);
            assertFalse(log.contains("not yet in an alert"), "nothing pending, nothing to say");
            edge(false); // inside the 60 s min-interval: coalesced, not mailed yet
            runFor(agent, 1 * S);
            assertEquals(1, t.delivered.size());
            agent.finishOrPark(S);
            assertTrue(log.contains("shutdown: 1 sensor change(s) not yet in an alert are not kept"), log.lines()::toString);
        }
    }

    @Test
    void shutdownLetsASendInFlightFinishWithinTheGraceTime() throws IOException {
        ScriptedTransport slow = new ScriptedTransport(500);
        try (Outbox o = outbox()) {
            AlertAgent agent = agent(o, slow, ChipSupervisor.NONE);
            edge(true);
            runFor(agent, 100 * MS);
            assertTrue(slow.busy());
            agent.finishOrPark(10 * S);
            assertEquals(1, slow.delivered.size());
            assertEquals(0, o.pendingCount());
        }
    }

    @Test
    void withoutCoalescingChangesInsideTheIntervalAreOnlyLogged() throws IOException {
        BoardConfig.Sensor strict = new BoardConfig.Sensor("door", 17, BoardConfig.Pull.UP, false, Duration.ofMillis(50),
                "open", "closed", new BoardConfig.AlertRule("Door {state}", "b", List.of("ops@example.org"),
                Duration.ofSeconds(60), false, 0));
        ScriptedTransport t = new ScriptedTransport(1);
        try (Outbox o = outbox()) {
            AlertAgent agent = new AlertAgent(List.of(strict), queue, i -> pinLevels[i], new boolean[] {false}, o, t,
                    ChipSupervisor.NONE, clock, log, 5 * S);
            edge(true);
            runFor(agent, 1 * S);
            edge(false);
            runFor(agent, 70 * S);
            assertEquals(List.of("Door open"), t.delivered.stream().map(Alert::subject).toList());
            assertTrue(log.contains("change of sensor door not mailed"), log.lines()::toString);
        }
    }

    @Test
    void droppedGpioEventsAreRepairedByReadingTheLevel() throws IOException {
        SensorEventQueue tiny = new SensorEventQueue(1);
        ScriptedTransport t = new ScriptedTransport(1);
        try (Outbox o = outbox()) {
            AlertAgent agent = new AlertAgent(List.of(door()), tiny, i -> pinLevels[i], new boolean[] {false}, o, t,
                    ChipSupervisor.NONE, clock, log, 5 * S);
            tiny.offer(0, true, clock.epochMillis(), clock.nanoTime());
            pinLevels[0] = false;
            assertFalse(tiny.offer(0, false, clock.epochMillis(), clock.nanoTime()), "queue of one is full");
            runFor(agent, 1 * S);
            assertTrue(log.contains("1 GPIO event(s) dropped"));
            assertFalse(agent.pendingChanges() > 0);
        }
    }
}
