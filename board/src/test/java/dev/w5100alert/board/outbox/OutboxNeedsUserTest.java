package dev.w5100alert.board.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures that need the user (TLS) are kept, retried only at retry-max, logged at ERROR every attempt. */
class OutboxNeedsUserTest {

    static final long S = 1_000_000_000L;
    static final long DAY_MILLIS = 86_400_000L;

    @TempDir
    Path tmp;

    final Log.Recording log = new Log.Recording();

    @Test
    void everyAttemptWaitsTheCappedDelayAndIsAnError() throws Exception {
        try (Outbox o = Outbox.open(tmp, 10, new Backoff(S, 600 * S, 7), DAY_MILLIS, log)) {
            o.offer(OutboxTest.alert(1));
            Alert a = o.nextDue(0);
            long now = 0;
            for (int attempt = 1; attempt <= 3; attempt++) {
                long delay = o.needsUserFailure(a.id(), "the board's clock is not set", now, a.createdMillis() + 1000);
                assertTrue(delay >= 300 * S && delay <= 600 * S, "attempt " + attempt + ": " + delay);
                assertNull(o.nextDue(now + delay - 1), "not before the slow delay");
                now += delay;
                assertEquals(a.id(), o.nextDue(now).id());
            }
            assertEquals(3, o.attempts(a.id()));
            assertEquals(3, log.lines().stream().filter(l -> l.startsWith("ERROR outbox: alert 1 (door) not sent")
                    && l.contains("the board's clock is not set") && l.contains("needs a change of settings")).count(),
                    log.lines()::toString);
        }
        try (Outbox o = Outbox.open(tmp, 10, new Backoff(S, 600 * S, 7), DAY_MILLIS, log)) {
            assertEquals(3, o.attempts(1), "the attempt count survives a restart");
        }
    }

    @Test
    void itIsStillGivenUpAfterGiveUpAfter() throws Exception {
        try (Outbox o = Outbox.open(tmp, 10, new Backoff(S, 600 * S, 7), DAY_MILLIS, log)) {
            o.offer(OutboxTest.alert(1));
            Alert a = o.nextDue(0);
            assertEquals(-1, o.needsUserFailure(a.id(), "certificate refused", 0, a.createdMillis() + DAY_MILLIS + 1));
            assertEquals(0, o.pendingCount());
            assertTrue(Files.readString(tmp.resolve("failed.txt")).contains("certificate refused"));
        }
    }
}
