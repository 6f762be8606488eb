package dev.w5100alert.board.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Power cuts, not just crashes: the outbox runs a seeded workload on {@link MemoryFiles}, which records every
 * write, force, rename and directory sync. Then, for every point in that record, every state storage may hold
 * after a power cut there (any subset of the writes not yet forced, a write torn at any byte, renames not yet
 * made durable undone) is rebuilt and recovered. In each state every accepted alert (its offer returned
 * ACCEPTED, so its record was forced) that was not yet delivered or failed must come back, with the same
 * content and the same Message-ID and Date.
 *
 * <p>Longer: {@code mvn -B -pl board -am verify -Dtest=CrashStateTest -Dsurefire.failIfNoSpecifiedTests=false -Dcrash.seeds=40}.
 */
class CrashStateTest {

    static final long S = 1_000_000_000L;
    static final Path DIR = Path.of("/mem/outbox");
    static final Log QUIET = (level, c, m) -> { };

    static Outbox open(MemoryFiles files) throws IOException {
        Outbox o = Outbox.open(files, DIR, 50, new Backoff(S, 60 * S, 1), 86_400_000L, QUIET, () -> 1_795_000_000_000L);
        o.compactAt(1500, 300); // compaction happens several times in a short workload
        return o;
    }

    static Alert alert(int n, SplittableRandom r) {
        String body = "body " + n + " " + "x".repeat(r.nextInt(200));
        return new Alert(0, "door", 1_795_000_000_000L + n, "Door open #" + n, body, List.of("ops@example.org"),
                n % 3 == 0 ? "events.csv" : null, n % 3 == 0 ? "t,s\r\n1,2\r\n" : null);
    }

    /** Workloads: 4 in the suite; {@code -Dcrash.seeds=N} runs N. */
    static LongStream seeds() {
        return LongStream.range(0, Integer.getInteger("crash.seeds", 4));
    }

    /** An accepted alert: what it was, when accept returned, when its end (delivered/failed) began. */
    static final class Tracked {
        Alert alert;
        int acceptedAt;
        int finishedAt = Integer.MAX_VALUE;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noAcceptedAlertIsLostInAnyStateAPowerCutCanLeave(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        MemoryFiles files = new MemoryFiles();
        Map<Long, Tracked> tracked = new HashMap<>();
        List<Long> live = new ArrayList<>();
        Outbox o = open(files);
        int n = 0;
        for (int step = 0; step < 40; step++) {
            int what = r.nextInt(100);
            if (what < 45 || live.isEmpty()) {
                Alert a = alert(++n, r);
                if (o.offer(a) == Outbox.Offer.ACCEPTED) {
                    Alert stored = o.pendingAlerts().get(o.pendingCount() - 1);
                    Tracked t = new Tracked();
                    t.alert = stored;
                    t.acceptedAt = files.opCount();
                    tracked.put(stored.id(), t);
                    live.add(stored.id());
                }
            } else if (what < 70) {
                long id = live.remove(r.nextInt(live.size()));
                tracked.get(id).finishedAt = files.opCount();
                o.delivered(id);
            } else if (what < 82) {
                long id = live.get(r.nextInt(live.size()));
                o.transientFailure(id, "421 4.3.2 try later #" + step, step * S, 1_795_000_000_000L + step);
            } else if (what < 87) {
                long id = live.remove(r.nextInt(live.size()));
                tracked.get(id).finishedAt = files.opCount();
                o.permanentFailure(id, "550 no such user");
            } else if (what < 93) {
                o.retryNow(live.get(r.nextInt(live.size())));
            } else {
                o.close();
                o = open(files);
            }
        }
        o.close();

        int ops = files.opCount();
        long states = 0;
        long duplicates = 0;
        SplittableRandom sample = new SplittableRandom(seed * 31 + 7);
        for (int t = 0; t <= ops; t++) {
            for (Map<Path, byte[]> state : files.crashStates(t, 64, sample)) {
                states++;
                duplicates += check(seed, t, state, tracked);
            }
        }
        assertTrue(states > ops, "the enumeration produced states: " + states);
        assertTrue(tracked.size() >= 10, "the workload accepted alerts: " + tracked.size());
        System.out.println("crash states, seed " + seed + ": " + ops + " operations, " + states
                + " states recovered, 0 accepted alerts lost, " + duplicates + " finished alerts back (duplicates)");
    }

    /** Recovers one state; fails if an accepted, unfinished alert is missing. Returns finished alerts seen again. */
    static int check(long seed, int t, Map<Path, byte[]> state, Map<Long, Tracked> tracked) {
        String where = "seed " + seed + ", power cut after operation " + t;
        Outbox r;
        try {
            r = open(new MemoryFiles(state));
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(where + ": recovery threw " + e, e);
        }
        Map<Long, Alert> got = new HashMap<>();
        for (Alert a : r.pendingAlerts()) {
            got.put(a.id(), a);
        }
        int dup = 0;
        for (Map.Entry<Long, Tracked> e : tracked.entrySet()) {
            Tracked tr = e.getValue();
            Alert a = got.get(e.getKey());
            if (tr.acceptedAt <= t && t <= tr.finishedAt) {
                assertNotNull(a, () -> where + ": accepted alert " + e.getKey() + " lost; recovered " + got.keySet());
            }
            if (a != null) {
                if (t > tr.finishedAt) {
                    dup++;
                }
                assertEquals(tr.alert, a, where + ": alert " + e.getKey() + " came back different");
            }
        }
        for (long id : got.keySet()) {
            if (!tracked.containsKey(id)) {
                fail(where + ": alert " + id + " recovered that was never accepted");
            }
        }
        return dup;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void recoveringADamagedFileIsItselfSafeAgainstPowerCuts(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        MemoryFiles first = new MemoryFiles();
        Map<Long, Tracked> tracked = new HashMap<>();
        try (Outbox o = open(first)) {
            o.compactAt(1L << 30, 1L << 30);
            for (int i = 1; i <= 10; i++) {
                o.offer(alert(i, r));
            }
            for (Alert a : o.pendingAlerts()) {
                Tracked t = new Tracked();
                t.alert = a;
                tracked.put(a.id(), t);
            }
        }
        byte[] file = first.content(DIR.resolve(Outbox.FILE_NAME));
        int at = Outbox.HEADER_BYTES + r.nextInt(file.length - Outbox.HEADER_BYTES);
        file[at] ^= (byte) (1 + r.nextInt(255));
        MemoryFiles files = new MemoryFiles(Map.of(DIR.resolve(Outbox.FILE_NAME), file));
        List<Long> intact;
        try (Outbox o = open(files)) {
            intact = o.pendingAlerts().stream().map(Alert::id).toList();
            assertTrue(intact.size() >= 9, "seed " + seed + ": " + intact);
            assertNotNull(files.content(o.recovery().damagedCopy()), "damaged copy kept");
        }
        tracked.keySet().retainAll(intact);
        long states = 0;
        for (int t = 0; t <= files.opCount(); t++) {
            for (Map<Path, byte[]> state : files.crashStates(t, 64, r)) {
                states++;
                check(seed, t, state, tracked);
            }
        }
        assertTrue(states > files.opCount(), "states: " + states);
    }
}
