package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The loop's one wait: spin, yield, park doubling to a bound, exact deadlines, wake-ups, /INT. */
class BackoffIdleStrategyTest {

    static final IdleSettings SETTINGS = new IdleSettings(2, 1, 1_000L, 8_000L, 1_000_000L);

    /** Virtual time: parks pass exactly their length; every step is recorded. */
    static final class VirtualWaiting implements BackoffIdleStrategy.Waiting {
        long now = 5_000_000L;
        final List<String> steps = new ArrayList<>();
        Runnable duringPark = () -> { };

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void spin() {
            steps.add("spin");
        }

        @Override
        public void yieldThread() {
            steps.add("yield");
        }

        @Override
        public void park(long nanos) {
            steps.add("park " + nanos);
            now += nanos;
            duringPark.run();
        }
    }

    /** A line the test moves by hand. */
    static final class TestLine implements InterruptLine {
        boolean low;
        boolean async;
        int samples;
        Runnable wake;

        @Override
        public boolean asserted() {
            samples++;
            return low;
        }

        @Override
        public boolean wakesAsynchronously() {
            return async;
        }

        @Override
        public void onAssert(Runnable wakeUp) {
            wake = wakeUp;
        }
    }

    final VirtualWaiting w = new VirtualWaiting();
    final BackoffIdleStrategy idle = new BackoffIdleStrategy(SETTINGS, w);

    @Test
    void spinsThenYieldsThenParksDoublingToTheBound() {
        for (int i = 0; i < 8; i++) {
            idle.idle();
        }
        assertEquals(List.of("spin", "spin", "yield", "park 1000", "park 2000", "park 4000", "park 8000", "park 8000"),
                w.steps);
    }

    @Test
    void progressStartsOverAtTheSpinningEnd() {
        for (int i = 0; i < 5; i++) {
            idle.idle();
        }
        w.steps.clear();
        idle.reset();
        idle.idle();
        idle.idle();
        idle.idle();
        idle.idle();
        assertEquals(List.of("spin", "spin", "yield", "park 1000"), w.steps);
    }

    @Test
    void neverParksPastTheDeadline() {
        for (int i = 0; i < 3; i++) {
            idle.idle(); // spins and yield done
        }
        long deadline = w.now + 2_500L;
        while (w.now - deadline < 0) {
            idle.idleUntil(deadline);
        }
        assertEquals(deadline, w.now, "parks end exactly at the deadline");
        assertEquals(List.of("spin", "spin", "yield", "park 1000", "park 1500"), w.steps);
        w.steps.clear();
        idle.idleUntil(deadline);
        assertEquals(List.of(), w.steps, "a passed deadline does not wait at all");
    }

    @Test
    void aWakeUpMakesTheNextStepStartOver() {
        for (int i = 0; i < 6; i++) {
            idle.idle();
        }
        idle.wake();
        w.steps.clear();
        idle.idle();
        assertEquals(List.of(), w.steps, "the step after a wake-up returns at once");
        idle.idle();
        assertEquals(List.of("spin"), w.steps);
        assertEquals(1, idle.wakeUps());
    }

    @Test
    void aQuietAsynchronousLineLetsTheParkGrowToTheInterruptBound() {
        TestLine line = new TestLine();
        line.async = true;
        idle.interruptLine(line);
        for (int i = 0; i < 14; i++) {
            idle.idle();
        }
        assertEquals("park 1000000", w.steps.get(w.steps.size() - 1), "bounded by interruptPark, not maxPark");
        assertEquals("park 512000", w.steps.get(w.steps.size() - 2));
        // The edge: the listener calls the wake-up; the next step returns and starts over.
        line.wake.run();
        w.steps.clear();
        idle.idle();
        idle.idle();
        assertEquals(List.of("spin"), w.steps);
    }

    @Test
    void aNewAssertionEndsTheWaitButALineHeldLowBacksOffAsIfPolling() {
        TestLine line = new TestLine();
        line.async = true;
        idle.interruptLine(line);
        for (int i = 0; i < 6; i++) {
            idle.idle();
        }
        line.low = true;
        w.steps.clear();
        idle.idle();
        assertEquals(List.of(), w.steps, "news: go and look");
        for (int i = 0; i < 10; i++) {
            idle.idle();
        }
        assertEquals(List.of("spin", "spin", "yield", "park 1000", "park 2000", "park 4000", "park 8000", "park 8000",
                "park 8000", "park 8000"), w.steps, "a stuck bit is not news: polling bound, no spinning");
    }

    @Test
    void aSampledLineIsSampledBetweenPollingBoundPiecesOfALongPark() {
        TestLine line = new TestLine();
        idle.interruptLine(line);
        for (int i = 0; i < 7; i++) {
            idle.idle(); // spin spin yield 1000 2000 4000 8000
        }
        w.steps.clear();
        long parkedFrom = w.now;
        w.duringPark = () -> line.low = w.now - parkedFrom >= 24_000L;
        idle.idle(); // park of 16000 in two pieces, no assertion
        assertEquals(List.of("park 8000", "park 8000"), w.steps);
        w.steps.clear();
        idle.idle(); // park of 32000: asserted after the first piece
        assertEquals(List.of("park 8000"), w.steps, "returns when the sample shows /INT low");
        w.steps.clear();
        idle.idle();
        assertEquals(List.of(), w.steps, "the assertion is news: start over");
    }

    @Test
    void wakeFromAnotherThreadEndsARealPark() {
        BackoffIdleStrategy real = new BackoffIdleStrategy(
                new IdleSettings(0, 0, 3_600_000_000_000L, 3_600_000_000_000L, 3_600_000_000_000L),
                BackoffIdleStrategy.SYSTEM);
        CountDownLatch parking = new CountDownLatch(1);
        Thread waker = new Thread(() -> {
            try {
                parking.await();
                while (real.parks() == 0) {
                    Thread.onSpinWait();
                }
                real.wake();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waker.start();
        // Without the wake-up this park lasts an hour; the timeout only guards the test run.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            parking.countDown();
            real.idle();
        });
        assertTrue(real.parks() == 1);
    }
}
