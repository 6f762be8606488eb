package dev.w5100alert.board.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OutboxTest {

    static final long S = 1_000_000_000L;
    static final long DAY_MILLIS = 86_400_000L;

    @TempDir
    Path tmp;

    final Log.Recording log = new Log.Recording();

    static Alert alert(int n) {
        return new Alert(0, "door", 1_795_000_000_000L + n, "Door open #" + n, "body " + n + "\nline two",
                List.of("ops@example.org"), n % 2 == 0 ? "door-events.csv" : null, n % 2 == 0 ? "time,state\r\n" : null);
    }

    /** The alert without the Message-ID and Date the outbox fixed, to compare with what was offered. */
    static Alert bare(Alert a) {
        return a.withMessage(null, 0);
    }

    static List<Alert> bare(List<Alert> alerts) {
        return alerts.stream().map(OutboxTest::bare).toList();
    }

    Outbox open(Path dir) throws IOException {
        return Outbox.open(dir, 100, new Backoff(S, 60 * S, 42), DAY_MILLIS, log);
    }

    @Test
    void acceptedAlertsSurviveReopeningAndKeepTheirContent() throws IOException {
        try (Outbox o = open(tmp)) {
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(1)));
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(2)));
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(3)));
            o.delivered(2);
        }
        List<String> ids;
        try (Outbox o = open(tmp)) {
            ids = o.pendingAlerts().stream().map(Alert::messageId).toList();
        }
        try (Outbox o = open(tmp)) {
            List<Alert> pending = o.pendingAlerts();
            assertEquals(List.of(alert(1).withId(1), alert(3).withId(3)), bare(pending));
            assertEquals(ids, pending.stream().map(Alert::messageId).toList(), "Message-IDs are stored, not re-minted");
            assertTrue(ids.get(0).matches("\\d+\\.1\\.[0-9a-f]{16}@w5100-alert\\.invalid"), ids::toString);
            assertTrue(pending.get(0).dateMillis() > 0);
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(4)));
            assertEquals(4, o.pendingAlerts().get(2).id(), "ids continue after restart");
        }
    }

    // ---------------------------------------------------------------- truncation at every cut point

    static byte[] reference;
    static List<Long> recordEnds;

    /** One file with accepted, delivered, attempt and failed records; the cut tests chop it everywhere. */
    @BeforeAll
    static void buildReferenceFile(@TempDir Path dir) throws IOException {
        Log quiet = (l, c, m) -> { };
        try (Outbox o = Outbox.open(dir, 100, new Backoff(S, 60 * S, 1), DAY_MILLIS, quiet)) {
            o.offer(alert(1));
            o.offer(alert(2));
            o.delivered(1);
            o.offer(alert(3));
            o.transientFailure(3, "421 try later", 0, alert(3).createdMillis());
            o.permanentFailure(2, "550 no such user");
            o.offer(alert(4));
        }
        reference = Files.readAllBytes(dir.resolve("outbox.log"));
        recordEnds = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(reference);
        long pos = Outbox.HEADER_BYTES;
        while (pos < reference.length) {
            pos += Journal.FRAME + b.getInt((int) pos + 4);
            recordEnds.add(pos);
        }
        assertEquals(reference.length, pos);
        assertEquals(8, recordEnds.size());
    }

    /** What must be pending after recovering a file holding the first {@code whole} records. */
    static List<Long> expectedPending(int whole) {
        return expectedPending(whole, -1);
    }

    /** The same, with record {@code skip} lost. */
    static List<Long> expectedPending(int whole, int skip) {
        // records in order: sequence, +1, +2, -1, +3, attempt 3, -2(failed), +4
        List<Long> p = new ArrayList<>();
        long[][] ops = {{3, 0}, {1, 1}, {1, 2}, {0, 1}, {1, 3}, {2, 3}, {0, 2}, {1, 4}};
        for (int i = 0; i < whole; i++) {
            if (i == skip) {
                continue;
            }
            if (ops[i][0] == 1) {
                p.add(ops[i][1]);
            } else if (ops[i][0] == 0) {
                p.remove(Long.valueOf(ops[i][1]));
            }
        }
        return p;
    }

    static IntStream everyCutPoint() {
        return IntStream.rangeClosed(0, reference.length);
    }

    @ParameterizedTest(name = "cut at byte {0}")
    @MethodSource("everyCutPoint")
    void truncatedFileIsRecoveredUpToTheLastWholeRecord(int cut) throws IOException {
        Path dir = tmp.resolve("cut");
        Files.createDirectories(dir);
        Files.write(dir.resolve("outbox.log"), java.util.Arrays.copyOf(reference, cut));
        int whole = (int) recordEnds.stream().filter(end -> end <= cut).count();
        try (Outbox o = open(dir)) {
            assertEquals(expectedPending(whole), o.pendingAlerts().stream().map(Alert::id).toList(), "cut " + cut);
            assertEquals(whole >= 6 ? 1 : 0, o.attempts(3), "cut " + cut + ": alert 3's attempt record");
            long keptBytes = whole == 0 ? Outbox.HEADER_BYTES : recordEnds.get(whole - 1);
            if (cut >= Outbox.HEADER_BYTES) {
                assertEquals(cut - keptBytes, o.recovery().bytesDiscarded(), "cut " + cut);
            }
            // the outbox stays usable: a new alert is accepted and survives another restart
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(9)));
        }
        try (Outbox o = open(dir)) {
            List<Long> ids = o.pendingAlerts().stream().map(Alert::id).toList();
            assertEquals(expectedPending(whole).size() + 1, ids.size(), "cut " + cut + ": " + ids);
            assertEquals("Door open #9", o.pendingAlerts().get(ids.size() - 1).subject());
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aDamagedByteCostsOnlyItsOwnRecord(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int at = r.nextInt(reference.length);
        byte[] damaged = reference.clone();
        damaged[at] ^= (byte) (1 + r.nextInt(255));
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        Files.write(dir.resolve("outbox.log"), damaged);
        int hit = (int) recordEnds.stream().filter(end -> end <= at).count(); // the record holding byte 'at'
        int skip = at < Outbox.HEADER_BYTES ? -1 : hit;
        try (Outbox o = open(dir)) {
            assertEquals(expectedPending(recordEnds.size(), skip), o.pendingAlerts().stream().map(Alert::id).toList(),
                    "seed " + seed + ", byte " + at);
            assertTrue(log.contains("damaged") || log.contains("cut short"), "seed " + seed + ": " + log.lines());
        }
    }

    @Test
    void aFileThatIsNotAnOutboxIsMovedAsideNotRefused() throws IOException {
        Files.writeString(tmp.resolve("outbox.log"), "hello, I am a text file");
        Path copy;
        try (Outbox o = open(tmp)) {
            assertTrue(o.recovery().fileReplaced());
            assertEquals(0, o.pendingCount());
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(1)));
            copy = o.recovery().damagedCopy();
        }
        assertTrue(copy.getFileName().toString().startsWith("outbox.log.damaged-"), copy::toString);
        assertEquals("hello, I am a text file", Files.readString(copy));
        assertTrue(log.contains("is not an outbox file"), log.lines()::toString);
    }

    // ---------------------------------------------------------------- bound, retry, failure

    @Test
    void whenFullTheNewAlertIsRefusedAndQueuedOnesAreKept() throws IOException {
        try (Outbox o = Outbox.open(tmp, 2, new Backoff(S, 60 * S, 1), DAY_MILLIS, log)) {
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(1)));
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(2)));
            assertEquals(Outbox.Offer.FULL, o.offer(alert(3)));
            assertEquals(List.of(1L, 2L), o.pendingAlerts().stream().map(Alert::id).toList());
            assertTrue(log.contains("outbox full (2 pending)"));
            o.delivered(1);
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(3)));
        }
    }

    @Test
    void transientFailuresBackOffExponentiallyWithJitterAndThenDeliver() throws IOException {
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            long now = 0;
            assertNotNull(o.nextDue(now));
            List<Long> delays = new ArrayList<>();
            for (int attempt = 1; attempt <= 8; attempt++) {
                long d = o.transientFailure(1, "421 try later", now, 1_795_000_000_000L);
                delays.add(d);
                assertNull(o.nextDue(now + d - 1), "not due before its delay, attempt " + attempt);
                assertNotNull(o.nextDue(now + d));
                now += d;
            }
            Backoff ref = new Backoff(S, 60 * S, 42);
            for (int i = 0; i < delays.size(); i++) {
                long ceiling = ref.ceiling(i + 1);
                assertTrue(delays.get(i) >= ceiling / 2 && delays.get(i) <= ceiling, "attempt " + (i + 1) + ": " + delays);
                assertEquals(ref.delay(i + 1), delays.get(i), "same seed, same delays");
            }
            assertEquals(List.of(S, 2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 60 * S, 60 * S),
                    IntStream.rangeClosed(1, 8).mapToObj(ref::ceiling).toList());
            o.delivered(1);
            assertEquals(0, o.pendingCount());
        }
        try (Outbox o = open(tmp)) {
            assertEquals(0, o.pendingCount(), "delivered stays delivered");
        }
    }

    @Test
    void attemptCountsSurviveARestartSoTheBackoffGoesOnFromThere() throws IOException {
        long created = alert(1).createdMillis();
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            o.offer(alert(2));
            o.transientFailure(1, "421 try later", 0, created);
            o.transientFailure(1, "421 try later", S, created);
            o.transientFailure(2, "421 try later", 0, created);
        }
        try (Outbox o = open(tmp)) {
            assertEquals(2, o.attempts(1));
            assertEquals(1, o.attempts(2));
            assertNotNull(o.nextDue(Long.MIN_VALUE / 2), "a recovered alert is due at once, whatever nanoTime says");
            long d = o.transientFailure(1, "421 try later", 0, created);
            long ceiling = new Backoff(S, 60 * S, 42).ceiling(3);
            assertTrue(d >= ceiling / 2 && d <= ceiling, "third attempt's delay: " + d);
            assertTrue(log.contains("attempt 3: 421"), log.lines()::toString);
        }
    }

    @Test
    void compactionKeepsTheAttemptCountsOfPendingAlerts() throws IOException {
        String big = "x".repeat(900_000);
        long created = alert(1).createdMillis();
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            o.transientFailure(1, "421 try later", 0, created);
            o.transientFailure(1, "421 try later", 0, created);
            for (int i = 0; i < 5; i++) { // > 4 MiB of finished records: compaction
                o.offer(new Alert(0, "door", created, "big", big, List.of("a@b.org"), null, null));
                o.delivered(i + 2);
            }
            assertTrue(Files.size(o.file()) < 1024, "compacted: " + Files.size(o.file()));
        }
        try (Outbox o = open(tmp)) {
            assertEquals(1, o.pendingCount());
            assertEquals(2, o.attempts(1), "attempts written into the compacted file");
        }
    }

    @Test
    void backoffCeilingNeverOverflows() {
        Backoff b = new Backoff(30 * S, 3600 * S, 7);
        for (int attempt = 1; attempt < 200; attempt++) {
            long d = b.delay(attempt);
            assertTrue(d >= 15 * S && d <= 3600 * S, "attempt " + attempt + ": " + d);
        }
    }

    @Test
    void permanentFailuresAreRecordedLoggedAndNotRetried() throws IOException {
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            o.permanentFailure(1, "550 5.1.1 no such user");
            assertNull(o.nextDue(Long.MAX_VALUE / 2));
        }
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("550 5.1.1 no such user")),
                log.lines()::toString);
        String failed = Files.readString(tmp.resolve("failed.txt"));
        assertTrue(failed.contains("Door open #1") && failed.contains("550 5.1.1"), failed);
        try (Outbox o = open(tmp)) {
            assertEquals(0, o.pendingCount());
        }
    }

    @Test
    void transientFailuresPastTheGiveUpAgeBecomePermanent() throws IOException {
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            assertEquals(-1, o.transientFailure(1, "connection refused", 0, alert(1).createdMillis() + DAY_MILLIS + 1));
            assertEquals(0, o.pendingCount());
        }
        assertTrue(log.contains("gave up after 1 attempts"));
    }

    @Test
    void compactionKeepsPendingAlertsAndIdsAndShrinksTheFile() throws IOException {
        String big = "x".repeat(50_000);
        try (Outbox o = open(tmp)) {
            for (int i = 1; i <= 30; i++) {
                o.offer(new Alert(0, "door", 1, "s" + i, big, List.of("a@b.org"), null, null));
                if (i != 30) {
                    o.delivered(i);
                }
            }
            o.delivered(30);
            assertTrue(Files.size(o.file()) < 1024, "compacted when empty: " + Files.size(o.file()));
        }
        try (Outbox o = open(tmp)) {
            o.offer(alert(1));
            assertEquals(31, o.pendingAlerts().get(0).id(), "ids never repeat after compaction");
        }
    }

    @Test
    void recordsAreReadBackByteForByte() throws IOException {
        Alert a = new Alert(0, "door", 5, "Tür offen ✓", ".leading dot\r\nand CRLF", List.of("a@b.org", "c@d.org"),
                "x.csv", "a,b\r\n");
        try (Outbox o = open(tmp)) {
            o.offer(a);
        }
        try (Outbox o = open(tmp)) {
            assertEquals(a.withId(1), bare(o.pendingAlerts().get(0)));
        }
        byte[] file = Files.readAllBytes(tmp.resolve("outbox.log"));
        assertArrayEquals(new byte[] {'W', '5', 'O', 'B', 0, 0, 0, 2}, java.util.Arrays.copyOf(file, 8));
    }

}
