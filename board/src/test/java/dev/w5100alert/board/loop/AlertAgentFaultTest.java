package dev.w5100alert.board.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.mail.MailTransport;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.board.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's last-resort handler: a step that throws costs one log line and one attempt, never the service. */
class AlertAgentFaultTest {

    static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    final Log.Recording log = new Log.Recording();

    /** Throws from poll the first {@code faults} times (a bug in a layer below), then delivers. */
    static final class FaultyTransport implements MailTransport {
        int faults;
        int started;
        int delivered;
        int aborted;

        FaultyTransport(int faults) {
            this.faults = faults;
        }

        @Override
        public void start(Alert alert, long nowNanos) {
            started++;
        }

        @Override
        public Delivery poll(long nowNanos) {
            if (faults > 0) {
                faults--;
                throw new NullPointerException("a bug below the loop");
            }
            delivered++;
            return Delivery.delivered();
        }

        @Override
        public void abort() {
            aborted++;
        }
    }

    @Test
    void aThrowingStepIsLoggedOnceTheAlertStaysQueuedAndIsDeliveredLater() throws Exception {
        FaultyTransport t = new FaultyTransport(2);
        SensorEventQueue queue = new SensorEventQueue(4);
        try (Outbox o = Outbox.open(dir, 10, new Backoff(S, 2 * S, 3), 86_400_000L, log)) {
            o.offer(new Alert(0, "door", clock.epochMillis(), "Door open", "body", List.of("ops@example.org"), null, null));
            AlertAgent agent = new AlertAgent(List.of(AlertAgentTest.door()), queue, i -> false, new boolean[] {false},
                    o, t, ChipSupervisor.NONE, clock, log, 5 * S);
            long end = clock.nanoTime() + 20 * S;
            while (clock.nanoTime() - end < 0) {
                if (agent.doWork(clock.nanoTime()) == 0) { // must never throw
                    clock.idle();
                }
            }
            assertEquals(2, agent.faultCount(), log.lines()::toString);
            assertEquals(1, t.delivered, log.lines()::toString);
            assertEquals(3, t.started, "two failed attempts, then the delivery");
            assertEquals(0, o.pendingCount());
            assertEquals(2, log.lines().stream().filter(l -> l.contains("unexpected fault while sending alert")).count(),
                    log.lines()::toString);
            assertTrue(t.aborted >= 2);
        }
    }

    @Test
    void aRuleThatCannotRenderCostsOneLogLineNotTheLoop() throws Exception {
        BoardConfig.Sensor bad = new BoardConfig.Sensor("door", 17, BoardConfig.Pull.UP, false, Duration.ofMillis(50),
                "open", "closed", new BoardConfig.AlertRule("{unchecked}", "{sensor}", List.of("ops@example.org"),
                        Duration.ofSeconds(60), true, 0));
        SensorEventQueue queue = new SensorEventQueue(4);
        FaultyTransport t = new FaultyTransport(0);
        try (Outbox o = Outbox.open(dir, 10, new Backoff(S, 2 * S, 3), 86_400_000L, log)) {
            AlertAgent agent = new AlertAgent(List.of(bad), queue, i -> true, new boolean[] {false}, o, t,
                    ChipSupervisor.NONE, clock, log, 5 * S);
            queue.offer(0, true, clock.epochMillis(), clock.nanoTime());
            long end = clock.nanoTime() + 5 * S;
            while (clock.nanoTime() - end < 0) {
                if (agent.doWork(clock.nanoTime()) == 0) {
                    clock.idle();
                }
            }
            assertEquals(1, log.lines().stream().filter(l -> l.contains("cannot build the alert for sensor door")).count(),
                    log.lines()::toString);
            assertEquals(0, agent.pendingChanges());
            assertEquals(0, t.started);
            assertEquals(0, agent.faultCount());
        }
    }

    @Test
    void aFaultThatRepeatsEveryCycleIsLoggedAtMostOncePerSecond() throws Exception {
        SensorEventQueue queue = new SensorEventQueue(4);
        ChipSupervisor broken = new ChipSupervisor() {
            @Override
            public boolean responding() {
                throw new IllegalStateException("probe broken");
            }

            @Override
            public String reset() {
                return null;
            }
        };
        try (Outbox o = Outbox.open(dir, 10, new Backoff(S, 2 * S, 3), 86_400_000L, log)) {
            AlertAgent agent = new AlertAgent(List.of(AlertAgentTest.door()), queue, i -> false, new boolean[] {false},
                    o, new FaultyTransport(0), broken, clock, log, 1_000_000L);
            long end = clock.nanoTime() + 3 * S;
            while (clock.nanoTime() - end < 0) {
                agent.doWork(clock.nanoTime());
                clock.advanceNanos(10_000_000L);
            }
            long lines = log.lines().stream().filter(l -> l.contains("probe broken")).count();
            assertTrue(agent.faultCount() >= 290, "every cycle faulted: " + agent.faultCount());
            assertTrue(lines >= 3 && lines <= 4, log.lines()::toString);
        }
    }
}
