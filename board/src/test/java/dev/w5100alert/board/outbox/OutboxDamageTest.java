package dev.w5100alert.board.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Damage in the middle of the outbox, exhaustively over a 10-alert file: every single-byte flip and every
 * zeroed 16-byte span costs exactly the records it touches; every other alert comes back unchanged, the log
 * counts what was lost, and the damaged file is kept beside the new one.
 */
class OutboxDamageTest {

    static final long S = 1_000_000_000L;
    static final Path DIR = Path.of("/mem/outbox");
    static final Path FILE = DIR.resolve(Outbox.FILE_NAME);

    static byte[] file;
    /** Per alert id 1..10: where its ACCEPTED record starts and ends in {@link #file}. */
    static final Map<Long, int[]> spans = new LinkedHashMap<>();
    static final Map<Long, Alert> alerts = new LinkedHashMap<>();

    static Outbox open(MemoryFiles files, Log log) throws IOException {
        return Outbox.open(files, DIR, 100, new Backoff(S, 60 * S, 1), 86_400_000L, log, () -> 1_795_000_000_000L);
    }

    static Alert alert(int n) {
        return new Alert(0, "door", 1_795_000_000_000L + n, "Door open #" + n, "body " + n, List.of("ops@example.org"),
                null, null);
    }

    @BeforeAll
    static void tenAlerts() throws IOException {
        MemoryFiles files = new MemoryFiles();
        try (Outbox o = open(files, (l, c, m) -> { })) {
            for (int i = 1; i <= 10; i++) {
                o.offer(alert(i));
            }
            o.pendingAlerts().forEach(a -> alerts.put(a.id(), a));
        }
        file = files.content(FILE);
        for (Journal.Rec r : Journal.parse(file).records) {
            if (r.type() == Journal.ACCEPTED) {
                spans.put(r.id(), new int[] {r.bodyOff() - Journal.FRAME - Journal.PAYLOAD_HEAD, r.bodyOff() + r.bodyLen()});
            }
        }
        assertEquals(10, spans.size());
    }

    /** Recovers {@code damaged}; checks that exactly the alerts whose record bytes changed are gone. */
    static void recoverAndCheck(byte[] damaged, String what) throws IOException {
        List<Long> expected = new ArrayList<>();
        int changed = 0;
        long lastId = 0;
        for (Map.Entry<Long, int[]> e : spans.entrySet()) {
            int[] s = e.getValue();
            boolean same = java.util.Arrays.equals(file, s[0], s[1], damaged, s[0], s[1]);
            if (same) {
                expected.add(e.getKey());
            } else {
                changed++;
                lastId = e.getKey();
            }
        }
        Log.Recording log = new Log.Recording();
        MemoryFiles files = new MemoryFiles(Map.of(FILE, damaged));
        try (Outbox o = open(files, log)) {
            List<Alert> got = o.pendingAlerts();
            assertEquals(expected, got.stream().map(Alert::id).toList(), what);
            for (Alert a : got) {
                assertEquals(alerts.get(a.id()), a, what + ": alert " + a.id() + " unchanged, Message-ID included");
            }
            Outbox.Recovery rec = o.recovery();
            // A damaged last record may look like an append cut short; then it cannot be counted as lost.
            long minLost = lastId == 10 ? changed - 1 : changed;
            assertTrue(rec.lostRecords() >= minLost && rec.lostRecords() <= changed + 1,
                    what + ": lost " + rec.lostRecords() + ", changed " + changed);
            if (!java.util.Arrays.equals(file, damaged)) {
                assertNotNull(rec.damagedCopy(), what);
                assertArrayEquals(damaged, files.content(rec.damagedCopy()), what + ": damaged file kept as it was");
            }
            if (changed > 0 && rec.lostRecords() > 0) {
                assertTrue(log.contains("record(s) lost, so up to " + rec.lostRecords() + " alert(s) lost"),
                        what + ": " + log.lines());
            }
            assertEquals(Outbox.Offer.ACCEPTED, o.offer(alert(11)), what + ": the outbox stays usable");
        }
        try (Outbox o = open(files, log)) {
            assertEquals(expected.size() + 1, o.pendingCount(), what + ": the rewritten file is whole");
        }
    }

    @Test
    void everySingleByteFlipCostsOnlyTheRecordItHits() throws IOException {
        for (int at = 0; at < file.length; at++) {
            for (int mask : new int[] {0xFF, 1 << (at % 8)}) {
                byte[] d = file.clone();
                d[at] ^= (byte) mask;
                recoverAndCheck(d, "byte " + at + " ^ " + mask);
            }
        }
    }

    @Test
    void everyZeroed16ByteSpanCostsOnlyTheRecordsItTouches() throws IOException {
        for (int at = 0; at + 16 <= file.length; at++) {
            byte[] d = file.clone();
            java.util.Arrays.fill(d, at, at + 16, (byte) 0);
            recoverAndCheck(d, "zeroed 16 bytes at " + at);
        }
    }

    @Test
    void aBadHeaderLosesNoRecord() throws IOException {
        byte[] d = file.clone();
        java.util.Arrays.fill(d, 0, Outbox.HEADER_BYTES, (byte) 0x55);
        recoverAndCheck(d, "header overwritten");
        for (int version : new int[] {0, 1, 3, -1}) { // a damaged version field, naming the old format too
            byte[] v = file.clone();
            Journal.putInt(v, 4, version);
            recoverAndCheck(v, "version field " + version);
        }
    }

    @Test
    void aVersion1FileWhoseVersionFieldSays2IsStillReadAsVersion1() throws IOException {
        byte[] v1 = version1File(10);
        Journal.putInt(v1, 4, 2);
        try (Outbox o = open(new MemoryFiles(Map.of(FILE, v1)), (l, c, m) -> { })) {
            assertEquals(10, o.pendingCount());
        }
    }

    // ---------------------------------------------------------------- version 1 files (upgrade)

    /** A version 1 file as the previous release wrote it: header v1, records length | CRC32C | type | id | alert. */
    static byte[] version1File(int alertCount) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(new byte[] {'W', '5', 'O', 'B', 0, 0, 0, 1});
        for (int i = 1; i <= alertCount; i++) {
            Alert a = alert(i);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(body);
            out.writeByte(Journal.ACCEPTED);
            out.writeLong(i);
            out.writeLong(a.createdMillis());
            AlertCodec.string(out, a.sensor());
            AlertCodec.string(out, a.subject());
            AlertCodec.string(out, a.body());
            out.writeShort(1);
            AlertCodec.string(out, a.recipients().get(0));
            out.writeBoolean(false);
            if (i == 2) { // alert 2 has had one failed attempt
                frameV1(f, body.toByteArray());
                body.reset();
                out.writeByte(Journal.ATTEMPT);
                out.writeLong(i);
                out.writeInt(1);
            }
            frameV1(f, body.toByteArray());
        }
        return f.toByteArray();
    }

    private static void frameV1(ByteArrayOutputStream f, byte[] payload) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        DataOutputStream out = new DataOutputStream(f);
        out.writeInt(payload.length);
        out.writeInt((int) crc.getValue());
        out.write(payload);
    }

    @Test
    void aVersion1FileIsUpgradedWithoutLosingAnAlert() throws IOException {
        MemoryFiles files = new MemoryFiles(Map.of(FILE, version1File(10)));
        List<String> ids;
        try (Outbox o = open(files, (l, c, m) -> { })) {
            assertEquals(1, o.recovery().formatVersion());
            assertEquals(10, o.pendingCount());
            assertEquals(1, o.attempts(2));
            for (Alert a : o.pendingAlerts()) {
                assertEquals(alert((int) a.id()).withId(a.id()), a.withMessage(null, 0));
                assertEquals(a.createdMillis(), a.dateMillis(), "a version 1 alert is dated when it was raised");
            }
            ids = o.pendingAlerts().stream().map(Alert::messageId).toList();
        }
        assertEquals(Journal.VERSION, Journal.getInt(files.content(FILE), 4), "rewritten as version 2");
        try (Outbox o = open(files, (l, c, m) -> { })) {
            assertEquals(ids, o.pendingAlerts().stream().map(Alert::messageId).toList(), "Message-IDs stored at upgrade");
            assertEquals(1, o.attempts(2));
        }
    }

    @Test
    void aDamagedVersion1FileKeepsEveryIntactAlert() throws IOException {
        byte[] v1 = version1File(10);
        for (int at = 0; at < v1.length; at += 7) {
            byte[] d = v1.clone();
            d[at] ^= (byte) 0xFF;
            MemoryFiles files = new MemoryFiles(Map.of(FILE, d));
            try (Outbox o = open(files, (l, c, m) -> { })) {
                assertTrue(o.pendingCount() >= 9, "byte " + at + ": " + o.pendingCount());
            }
        }
    }
}
