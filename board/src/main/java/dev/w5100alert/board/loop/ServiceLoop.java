package dev.w5100alert.board.loop;

import dev.w5100alert.board.log.Log;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the firmware loop as a service until the JVM is asked to stop (SIGTERM, SIGINT). A shutdown
 * hook raises the loop's stop flag and then waits (bounded) until the loop has finished or parked the
 * message in flight and closed the outbox, so the process exits cleanly.
 */
public final class ServiceLoop {
    private ServiceLoop() { }

    /** Blocks until shutdown; {@code graceNanos} is what the send in flight may still take. */
    public static void runUntilShutdown(AlertAgent agent, long graceNanos, Log log) throws IOException {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("service", "stop requested (SIGTERM): finishing or parking the message in flight");
            stop.set(true);
            agent.wakeUp();
            try {
                // Bounded: systemd's TimeoutStopSec should be longer than this.
                stopped.await(graceNanos / 1_000_000L + 5_000L, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "w5100-alert-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.run(stop::get, graceNanos);
            log.info("service", "stopped cleanly");
        } finally {
            stopped.countDown();
        }
    }
}
