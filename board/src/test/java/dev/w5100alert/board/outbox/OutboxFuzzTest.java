package dev.w5100alert.board.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded corruptions of an outbox file (bit flips, overwritten and zeroed spans, truncation, inserted garbage,
 * inserted copies of record headers, several at once) recovered one by one: recovery never throws, never
 * hangs, and every record whose bytes are still whole somewhere in the file comes back.
 *
 * <p>The suite runs a CI-sized slice; the long run is
 * {@code mvn -B -pl board -am verify -Dtest=OutboxFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Doutbox.fuzz.count=10000}.
 */
class OutboxFuzzTest {

    static final int COUNT = Integer.getInteger("outbox.fuzz.count", 1500);
    static final long SEED = Long.getLong("outbox.fuzz.seed", 20261201L);
    static final long S = 1_000_000_000L;
    static final Path DIR = Path.of("/mem/outbox");
    static final Path FILE = DIR.resolve(Outbox.FILE_NAME);

    static byte[] file;
    static final Map<Long, byte[]> records = new LinkedHashMap<>();
    static final Map<Long, Alert> alerts = new LinkedHashMap<>();

    static Outbox open(MemoryFiles files) throws IOException {
        return Outbox.open(files, DIR, 100, new Backoff(S, 60 * S, 1), 86_400_000L, (l, c, m) -> { },
                () -> 1_795_000_000_000L);
    }

    @BeforeAll
    static void build() throws IOException {
        MemoryFiles files = new MemoryFiles();
        try (Outbox o = open(files)) {
            for (int i = 1; i <= 12; i++) {
                o.offer(new Alert(0, "s" + i, 1_795_000_000_000L + i, "Alert #" + i, "body ".repeat(i * 3),
                        List.of("ops@example.org"), i % 4 == 0 ? "e.csv" : null, i % 4 == 0 ? "a,b\r\n" : null));
                if (i % 3 == 0) {
                    o.transientFailure(i, "421 later", 0, 1_795_000_000_000L);
                }
            }
            o.delivered(5);
            o.pendingAlerts().forEach(a -> alerts.put(a.id(), a));
        }
        file = files.content(FILE);
        for (Journal.Rec r : Journal.parse(file).records) {
            if (r.type() == Journal.ACCEPTED && alerts.containsKey(r.id())) {
                int start = r.bodyOff() - Journal.FRAME - Journal.PAYLOAD_HEAD;
                records.put(r.id(), java.util.Arrays.copyOfRange(file, start, r.bodyOff() + r.bodyLen()));
            }
        }
        assertEquals(11, records.size());
    }

    static byte[] mutate(SplittableRandom r) {
        byte[] d = file.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && d.length > 0; e++) {
            int at = r.nextInt(d.length);
            switch (r.nextInt(6)) {
                case 0 -> d[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> { // overwrite a span with random bytes or zeros
                    int len = Math.min(1 + r.nextInt(64), d.length - at);
                    boolean zero = r.nextBoolean();
                    for (int i = at; i < at + len; i++) {
                        d[i] = zero ? 0 : (byte) r.nextInt(256);
                    }
                }
                case 2 -> d = java.util.Arrays.copyOf(d, at); // truncated
                case 3 -> d = insert(d, at, randomBytes(r, 1 + r.nextInt(40)));
                case 4 -> { // inserted record magic with a plausible length: a false start
                    byte[] g = randomBytes(r, 12 + r.nextInt(40));
                    Journal.putInt(g, 0, Journal.RECORD_MAGIC);
                    Journal.putInt(g, 4, r.nextInt(2 * d.length + 1));
                    d = insert(d, at, g);
                }
                default -> { // a piece of the file itself repeated elsewhere
                    int from = r.nextInt(d.length);
                    int len = Math.min(1 + r.nextInt(120), d.length - from);
                    d = insert(d, at, java.util.Arrays.copyOfRange(d, from, from + len));
                }
            }
        }
        return d;
    }

    static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    static byte[] insert(byte[] d, int at, byte[] g) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + g.length);
        out.write(d, 0, at);
        out.write(g, 0, g.length);
        out.write(d, at, d.length - at);
        return out.toByteArray();
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void recoveryOfSeededCorruptionsNeverThrowsNeverHangsAndKeepsEveryWholeRecord() {
        assertTimeoutPreemptively(Duration.ofMinutes(COUNT > 5000 ? 30 : 5), () -> {
            long kept = 0;
            for (int i = 0; i < COUNT; i++) {
                long seed = SEED + i;
                byte[] d = mutate(new SplittableRandom(seed));
                List<Long> whole = new ArrayList<>();
                for (Map.Entry<Long, byte[]> e : records.entrySet()) {
                    if (contains(d, e.getValue())) {
                        whole.add(e.getKey());
                    }
                }
                MemoryFiles files = new MemoryFiles(Map.of(FILE, d));
                try (Outbox o = open(files)) {
                    Map<Long, Alert> got = new LinkedHashMap<>();
                    o.pendingAlerts().forEach(a -> got.put(a.id(), a));
                    for (long id : whole) {
                        assertTrue(got.containsKey(id), "seed " + seed + ": whole record of alert " + id + " lost");
                        assertEquals(alerts.get(id), got.get(id), "seed " + seed);
                    }
                    for (Alert a : got.values()) {
                        assertTrue(alerts.containsKey(a.id()) || a.id() == 5, "seed " + seed + ": invented " + a.id());
                    }
                    kept += got.size();
                    assertEquals(Outbox.Offer.ACCEPTED, o.offer(alerts.get(1L).withId(0)), "seed " + seed);
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": recovery threw " + e, e);
                }
            }
            System.out.println("outbox fuzz: " + COUNT + " corruptions from seed " + SEED + ", 0 exceptions, 0 hangs, "
                    + kept + " alerts recovered");
        });
    }
}
