package dev.w5100alert.board.outbox;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The durable outbox: alerts survive crashes and power cuts until they are delivered or fail for good.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Accepted means on storage.</b> {@link #offer} returns {@link Offer#ACCEPTED} only after the
 *       record is written and {@link FileChannel#force forced}; an alert lost before that was never
 *       accepted (the sensor's changes stay pending in its alerter).</li>
 *   <li><b>At-least-once.</b> "Delivered" is recorded after the server's 250 for the message. A crash
 *       between that 250 and the record means the alert is sent again after restart: duplicates are
 *       possible, loss is not.</li>
 *   <li><b>Bounded.</b> At most {@code capacity} alerts are pending, each record at most
 *       {@link #MAX_RECORD_BYTES}. <b>When full, the new alert is refused</b> ({@link Offer#FULL}):
 *       queued alerts are never overwritten, the refusal is logged, and the sensor's alerter keeps the
 *       changes pending so its next mail (after its minimum interval) summarises them.</li>
 *   <li><b>Recovery, never refusal.</b> A file cut or damaged mid-record (power cut while writing) is
 *       read up to the last whole record with a valid CRC; the rest is cut off and logged. A file whose
 *       header is not an outbox's is moved aside ({@code outbox.log.corrupt-N}) and a new one started.</li>
 *   <li><b>Retries.</b> Transient failures are retried with exponential backoff and jitter
 *       ({@link Backoff}); after {@code giveUpAfter} since the alert was raised it is failed for good.
 *       Permanent failures are recorded, logged at ERROR and appended to {@code failed.txt}.</li>
 * </ul>
 *
 * <h2>File layout ({@code outbox.log})</h2>
 * <pre>
 *  header:  "W5OB" (4) | version u32 (=1)
 *  record:  +-----------+-----------+-------------------------------------------+
 *           | length u32| CRC32C u32| payload (length bytes)                    |
 *           +-----------+-----------+-------------------------------------------+
 *  payload: type u8 | id u64 | body
 *           type 1 ACCEPTED   body = alert ({@code AlertCodec})
 *           type 2 DELIVERED  body = (none)
 *           type 3 FAILED     body = reason, UTF-8
 *           type 4 SEQUENCE   body = (none); id = next id to hand out (first record after compaction)
 *           type 5 ATTEMPT    body = attempts u32: failed attempts so far, so that backoff goes on
 *                             from there after a restart instead of starting at attempt 1 again
 * </pre>
 * Big-endian throughout. The CRC covers the payload. Not thread-safe: owned by the firmware loop.
 */
public final class Outbox implements AutoCloseable {

    public static final int MAX_RECORD_BYTES = 1 << 20;
    static final int HEADER_BYTES = 8;
    static final int FRAME_BYTES = 8;
    static final byte ACCEPTED = 1;
    static final byte DELIVERED = 2;
    static final byte FAILED = 3;
    static final byte SEQUENCE = 4;
    static final byte ATTEMPT = 5;
    private static final byte[] MAGIC = {'W', '5', 'O', 'B'};
    private static final int VERSION = 1;
    /** Compact when the file is this large and mostly finished records. */
    private static final long COMPACT_BYTES = 4L << 20;
    private static final long FAILED_TXT_MAX = 1L << 20;
    private static final String C = "outbox";

    /** What {@link #offer} did. */
    public enum Offer { ACCEPTED, FULL, TOO_LARGE, IO_ERROR }

    /** What {@link #open} found. */
    public record Recovery(int recordsRead, int pending, long bytesDiscarded, boolean fileReplaced) { }

    private static final class Pending {
        final Alert alert;
        int attempts;
        long notBeforeNanos;
        boolean released;

        Pending(Alert alert) {
            this.alert = alert;
        }
    }

    private final Path dir;
    private final Path file;
    private final int capacity;
    private final Backoff backoff;
    private final long giveUpAfterMillis;
    private final Log log;
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private FileChannel channel;
    private long nextId = 1;
    private long finishedRecords;
    private Recovery recovery;

    private Outbox(Path dir, int capacity, Backoff backoff, long giveUpAfterMillis, Log log) {
        this.dir = dir;
        this.file = dir.resolve("outbox.log");
        this.capacity = capacity;
        this.backoff = backoff;
        this.giveUpAfterMillis = giveUpAfterMillis;
        this.log = log;
    }

    /**
     * Opens (creating if needed) the outbox in {@code dir} and recovers its pending alerts. Recovered
     * alerts are due at once and keep their attempt counts, so the backoff goes on where it stopped.
     */
    public static Outbox open(Path dir, int capacity, Backoff backoff, long giveUpAfterMillis, Log log)
            throws IOException {
        Files.createDirectories(dir);
        Outbox o = new Outbox(dir, capacity, backoff, giveUpAfterMillis, log);
        o.recover();
        return o;
    }

    public Recovery recovery() {
        return recovery;
    }

    public Path file() {
        return file;
    }

    public int pendingCount() {
        return pending.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Alerts still to deliver, oldest first (a copy). */
    public List<Alert> pendingAlerts() {
        List<Alert> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            out.add(p.alert);
        }
        return out;
    }

    /**
     * Stores the alert durably and gives it an id. Returns {@link Offer#ACCEPTED} only after the
     * write is forced to storage.
     */
    public Offer offer(Alert alert) {
        if (pending.size() >= capacity) {
            log.warn(C, "outbox full (" + capacity + " pending): alert for sensor " + alert.sensor()
                    + " refused; queued alerts kept, the sensor's changes stay pending");
            return Offer.FULL;
        }
        long id = nextId;
        Alert stored = alert.withId(id);
        byte[] body = AlertCodec.encode(stored);
        if (body.length + 9 > MAX_RECORD_BYTES) {
            log.error(C, "alert for sensor " + alert.sensor() + " is " + body.length + " bytes; at most "
                    + (MAX_RECORD_BYTES - 9) + ": refused");
            return Offer.TOO_LARGE;
        }
        try {
            append(ACCEPTED, id, body);
        } catch (IOException e) {
            log.error(C, "cannot store alert for sensor " + alert.sensor() + ": " + e);
            return Offer.IO_ERROR;
        }
        nextId++;
        pending.put(id, new Pending(stored));
        return Offer.ACCEPTED;
    }

    /** The oldest pending alert whose retry time has come, or null. */
    public Alert nextDue(long nowNanos) {
        for (Pending p : pending.values()) {
            if (p.attempts == 0 || p.released || nowNanos - p.notBeforeNanos >= 0) {
                return p.alert;
            }
        }
        return null;
    }

    /** Nanoseconds until some alert is due (0 if one is due now), or -1 if nothing is pending. */
    public long nanosUntilDue(long nowNanos) {
        long best = -1;
        for (Pending p : pending.values()) {
            long wait = p.attempts == 0 || p.released ? 0 : Math.max(0, p.notBeforeNanos - nowNanos);
            best = best < 0 ? wait : Math.min(best, wait);
        }
        return best;
    }

    /** Attempts so far for a pending alert (0 if not pending). */
    public int attempts(long id) {
        Pending p = pending.get(id);
        return p == null ? 0 : p.attempts;
    }

    /**
     * The send was interrupted by something other than the server (chip reset, shutdown): the alert
     * is due again at once and the interruption does not count as an attempt.
     */
    public void release(long id) {
        Pending p = pending.get(id);
        if (p != null) {
            p.released = true;
        }
    }

    /** The server took the message. */
    public void delivered(long id) throws IOException {
        if (pending.remove(id) == null) {
            return;
        }
        append(DELIVERED, id, new byte[0]);
        finished();
    }

    /**
     * A failure worth retrying (4xx, timeout, lost connection, chip reset). Schedules the next attempt,
     * or fails the alert for good when it is older than {@code giveUpAfter}. Returns the delay chosen
     * in nanoseconds, or -1 when the alert was given up.
     */
    public long transientFailure(long id, String reason, long nowNanos, long nowMillis) throws IOException {
        Pending p = pending.get(id);
        if (p == null) {
            return -1;
        }
        p.attempts++;
        p.released = false;
        if (nowMillis - p.alert.createdMillis() > giveUpAfterMillis) {
            permanentFailure(id, "gave up after " + p.attempts + " attempts over "
                    + ((nowMillis - p.alert.createdMillis()) / 1000) + " s; last error: " + reason);
            return -1;
        }
        append(ATTEMPT, id, attemptsBody(p.attempts));
        long delay = backoff.delay(p.attempts);
        p.notBeforeNanos = nowNanos + delay;
        log.warn(C, "alert " + id + " (" + p.alert.sensor() + ") not sent, attempt " + p.attempts + ": " + reason
                + "; retry in " + (delay / 1_000_000) + " ms");
        return delay;
    }

    /**
     * A failure that needs the user (TLS could not be set up as configured: certificate refused, STARTTLS missing,
     * the board's clock not set). Retrying unchanged cannot help, but the user may fix the server or the clock may
     * get set, so the alert is kept and retried at the slowest rate only ({@code retry-max}, with jitter), logged at
     * ERROR on every attempt; it still fails for good after {@code giveUpAfter}. Returns the delay in nanoseconds,
     * or -1 when the alert was given up.
     */
    public long needsUserFailure(long id, String reason, long nowNanos, long nowMillis) throws IOException {
        Pending p = pending.get(id);
        if (p == null) {
            return -1;
        }
        p.attempts++;
        p.released = false;
        if (nowMillis - p.alert.createdMillis() > giveUpAfterMillis) {
            permanentFailure(id, "gave up after " + p.attempts + " attempts over "
                    + ((nowMillis - p.alert.createdMillis()) / 1000) + " s; last error: " + reason);
            return -1;
        }
        append(ATTEMPT, id, attemptsBody(p.attempts));
        long delay = backoff.delay(Integer.MAX_VALUE); // the capped delay: the slowest retry rate
        p.notBeforeNanos = nowNanos + delay;
        log.error(C, "alert " + id + " (" + p.alert.sensor() + ") not sent, attempt " + p.attempts + ": " + reason
                + "; this needs a change of settings, retry in " + (delay / 1_000_000) + " ms");
        return delay;
    }

    /** The server refused the message for good (5xx) or it expired: recorded, logged, removed. */
    public void permanentFailure(long id, String reason) throws IOException {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        append(FAILED, id, reason.getBytes(StandardCharsets.UTF_8));
        log.error(C, "alert " + id + " (" + p.alert.sensor() + ", \"" + p.alert.subject()
                + "\") failed permanently: " + reason);
        recordFailure(p.alert, reason);
        finished();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.force(true);
            channel.close();
            channel = null;
        }
    }

    // ------------------------------------------------------------------------------ internals

    private void append(byte type, long id, byte[] body) throws IOException {
        ByteBuffer buf = frame(type, id, body);
        long start = channel.size();
        try {
            channel.position(start);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(true);
        } catch (IOException e) {
            // Leave no half record behind if we can; recovery would cut it anyway.
            try {
                channel.truncate(start);
            } catch (IOException ignored) {
                // recovery on the next start handles it
            }
            throw e;
        }
    }

    private void finished() throws IOException {
        finishedRecords++;
        if (pending.isEmpty() && channel.size() > HEADER_BYTES + 64 * 1024) {
            compact();
        } else if (channel.size() > COMPACT_BYTES && finishedRecords > pending.size()) {
            compact();
        }
    }

    /** Rewrites only the pending alerts to a new file, forces it, and renames it over the old one. */
    private void compact() throws IOException {
        Path tmp = dir.resolve("outbox.log.tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(header());
            out.write(frame(SEQUENCE, nextId, new byte[0]));
            for (Pending p : pending.values()) {
                out.write(frame(ACCEPTED, p.alert.id(), AlertCodec.encode(p.alert)));
                if (p.attempts > 0) {
                    out.write(frame(ATTEMPT, p.alert.id(), attemptsBody(p.attempts)));
                }
            }
            out.force(true);
        }
        channel.close();
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        finishedRecords = 0;
    }

    private void forceDirectory() {
        // Makes the rename durable on Linux; not every platform lets a directory be opened.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    private static byte[] attemptsBody(int attempts) {
        return ByteBuffer.allocate(4).putInt(attempts).array();
    }

    private static ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.put(MAGIC).putInt(VERSION).flip();
        return h;
    }

    private static ByteBuffer frame(byte type, long id, byte[] body) {
        int len = 9 + body.length;
        ByteBuffer buf = ByteBuffer.allocate(FRAME_BYTES + len);
        buf.putInt(len).putInt(0).put(type).putLong(id).put(body);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FRAME_BYTES, len);
        buf.putInt(4, (int) crc.getValue());
        buf.flip();
        return buf;
    }

    private void recover() throws IOException {
        boolean replaced = false;
        if (Files.exists(file)) {
            long size = Files.size(file);
            byte[] head = new byte[(int) Math.min(size, HEADER_BYTES)];
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                in.read(ByteBuffer.wrap(head));
            }
            boolean headerOk = head.length == HEADER_BYTES && head[0] == 'W' && head[1] == '5' && head[2] == 'O'
                    && head[3] == 'B' && ByteBuffer.wrap(head).getInt(4) == VERSION;
            boolean headerCut = head.length < HEADER_BYTES && isPrefixOfHeader(head);
            if (!headerOk && !headerCut) {
                Path aside = asideName();
                Files.move(file, aside);
                log.error(C, file + " is not an outbox file (bad header); moved aside to " + aside
                        + " and started a new outbox");
                replaced = true;
            } else if (headerCut) {
                Files.delete(file); // power cut while creating it: nothing was ever accepted
            }
        }
        if (!Files.exists(file)) {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(header());
                out.force(true);
            }
            forceDirectory();
        }
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        long pos = HEADER_BYTES;
        int records = 0;
        ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
        String damage = null;
        while (pos < size) {
            frame.clear();
            if (size - pos < FRAME_BYTES) {
                damage = "record frame cut short";
                break;
            }
            channel.read(frame, pos);
            int len = frame.getInt(0);
            int crc = frame.getInt(4);
            if (len < 9 || len > MAX_RECORD_BYTES) {
                damage = "record length " + len + " out of range";
                break;
            }
            if (size - pos - FRAME_BYTES < len) {
                damage = "record cut short (" + (size - pos - FRAME_BYTES) + " of " + len + " bytes)";
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            while (payload.hasRemaining()) {
                if (channel.read(payload, pos + FRAME_BYTES + payload.position()) < 0) {
                    break;
                }
            }
            CRC32C c = new CRC32C();
            c.update(payload.array(), 0, len);
            if ((int) c.getValue() != crc) {
                damage = "CRC mismatch";
                break;
            }
            if (!apply(payload.array(), len)) {
                damage = "record content unreadable";
                break;
            }
            records++;
            pos += FRAME_BYTES + len;
        }
        long discarded = size - pos;
        if (discarded > 0) {
            log.warn(C, "outbox " + file + " damaged at byte " + pos + " (" + damage + "): kept " + records
                    + " whole records, cut " + discarded + " bytes");
            channel.truncate(pos);
            channel.force(true);
        }
        recovery = new Recovery(records, pending.size(), discarded, replaced);
        if (!pending.isEmpty()) {
            log.info(C, "recovered " + pending.size() + " pending alert(s) from " + file);
        }
    }

    private static boolean isPrefixOfHeader(byte[] head) {
        byte[] full = header().array();
        for (int i = 0; i < head.length; i++) {
            if (head[i] != full[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean apply(byte[] payload, int len) {
        byte type = payload[0];
        long id = ByteBuffer.wrap(payload, 1, 8).getLong();
        switch (type) {
            case ACCEPTED -> {
                try {
                    pending.put(id, new Pending(AlertCodec.decode(id, payload, 9, len - 9)));
                } catch (IOException e) {
                    return false;
                }
                nextId = Math.max(nextId, id + 1);
            }
            case DELIVERED, FAILED -> {
                pending.remove(id);
                nextId = Math.max(nextId, id + 1);
                finishedRecords++;
            }
            case SEQUENCE -> nextId = Math.max(nextId, id);
            case ATTEMPT -> {
                if (len != 13) {
                    return false;
                }
                Pending p = pending.get(id);
                if (p != null) {
                    p.attempts = Math.max(p.attempts, ByteBuffer.wrap(payload, 9, 4).getInt());
                    p.released = true; // due at once after a restart, like an alert never tried
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private Path asideName() {
        for (int i = 1; i < 1000; i++) {
            Path p = dir.resolve("outbox.log.corrupt-" + i);
            if (!Files.exists(p)) {
                return p;
            }
        }
        return dir.resolve("outbox.log.corrupt-" + System.nanoTime());
    }

    /** A human-readable, size-bounded record of permanent failures beside the outbox. */
    private void recordFailure(Alert a, String reason) {
        Path txt = dir.resolve("failed.txt");
        try {
            if (Files.exists(txt) && Files.size(txt) > FAILED_TXT_MAX) {
                Files.move(txt, dir.resolve("failed.txt.1"), StandardCopyOption.REPLACE_EXISTING);
            }
            String line = Instant.ofEpochMilli(a.createdMillis()) + "\t" + a.id() + "\t" + a.sensor() + "\t"
                    + a.subject().replace('\t', ' ') + "\t" + reason.replace('\n', ' ').replace('\t', ' ') + "\n";
            Files.writeString(txt, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn(C, "cannot append to " + txt + ": " + e);
        }
    }

}
