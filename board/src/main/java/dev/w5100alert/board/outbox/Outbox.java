package dev.w5100alert.board.outbox;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.firmware.mail.MessageBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The durable outbox: alerts survive crashes and power cuts until they are delivered or fail for good.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Accepted means on storage.</b> {@link #offer} returns {@link Offer#ACCEPTED} only after the
 *       record is written and forced; an alert lost before that was never accepted (the sensor's changes
 *       stay pending in its alerter).</li>
 *   <li><b>At-least-once, recognisably.</b> "Delivered" is recorded after the server's 250 for the message.
 *       A crash between that 250 and the record means the alert is sent again after restart. The
 *       Message-ID and Date are fixed when the alert is accepted and stored with it, so every attempt is
 *       the same message and a duplicate can be recognised by its Message-ID.</li>
 *   <li><b>Bounded.</b> At most {@code capacity} alerts are pending, each record at most
 *       {@link #MAX_RECORD_BYTES}. When full, the new alert is refused ({@link Offer#FULL}): queued
 *       alerts are never overwritten.</li>
 *   <li><b>Recovery, never refusal.</b> Records are re-found after damage ({@link Journal}): a damaged
 *       record costs that record only, every whole record before and after it is kept. Before a damaged file
 *       (or one with a bad header, a last record cut short, or not an outbox at all) is rewritten or cut, it is
 *       copied beside the new one as
 *       {@code outbox.log.damaged-<UTC time>} (the newest {@value #DAMAGED_COPIES_KEPT} are kept), and the log
 *       says how many records were lost. A last record cut short (an append a power cut interrupted, never
 *       accepted) is cut off. Version 1 files are read and rewritten in version 2.</li>
 *   <li><b>One writer.</b> The outbox holds an exclusive lock on {@code outbox.lock} while open; a second
 *       service on the same directory is refused. {@code outbox list} reads the file without the lock,
 *       {@code outbox retry} and {@code drop} hand the running service a command file ({@link OutboxControl}).</li>
 * </ul>
 *
 * <h2>File layout ({@code outbox.log}, version 2)</h2>
 * <pre>
 *  header:  "W5OB" (4) | version u32 (=2)
 *  record:  magic u32 "W5OR" | length u32 | CRC32C u32 | payload (length bytes)
 *           CRC32C covers the length field and the payload
 *  payload: type u8 | id u64 | serial u32 | body
 *           serial: 0 for the first record of the file, one more for each record after it
 *           type 1 ACCEPTED   body = alert ({@code AlertCodec}: with its Message-ID and Date)
 *           type 2 DELIVERED  body = (none)
 *           type 3 FAILED     body = reason, UTF-8
 *           type 4 SEQUENCE   body = (none); id = next id to hand out (first record of a compacted file)
 *           type 5 ATTEMPT    body = attempts u32 | next try u64 (epoch ms) | last error (u32 length, UTF-8)
 *           type 6 RETRY      body = (none): an operator made the alert due now
 * </pre>
 * Version 1 (read for upgrades): record = length u32 | CRC32C u32 (payload only) | type u8 | id u64 | body,
 * without Message-ID and Date in the alert and with only the attempt count in ATTEMPT.
 * Big-endian throughout. Not thread-safe: owned by the firmware loop.
 */
public final class Outbox implements AutoCloseable {

    public static final int MAX_RECORD_BYTES = 1 << 20;
    /** The whole file is read at start; larger than this is refused (compaction keeps it far smaller). */
    static final long MAX_FILE_BYTES = 1L << 30;
    static final int HEADER_BYTES = Journal.HEADER_BYTES;
    static final int DAMAGED_COPIES_KEPT = 8;
    static final String FILE_NAME = "outbox.log";
    static final String TMP_NAME = "outbox.log.tmp";
    static final String LOCK_NAME = "outbox.lock";
    static final String DAMAGED_PREFIX = "outbox.log.damaged-";
    private static final int MAX_ERROR_CHARS = 300;
    private static final long FAILED_TXT_MAX = 1L << 20;
    private static final String C = "outbox";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** What {@link #offer} did. */
    public enum Offer { ACCEPTED, FULL, TOO_LARGE, IO_ERROR }

    /**
     * What {@link #open} found.
     *
     * @param recordsRead    whole records read
     * @param pending        alerts pending after recovery
     * @param bytesDiscarded bytes that were not whole records (damage and a torn last record)
     * @param fileReplaced   the file was rewritten because of damage or a bad header
     * @param lostRecords    records lost to damage (each may have held an accepted alert)
     * @param damagedCopy    where the damaged file was kept, or null
     * @param formatVersion  the version the file was written in (it is version 2 after open)
     */
    public record Recovery(int recordsRead, int pending, long bytesDiscarded, boolean fileReplaced,
                           long lostRecords, Path damagedCopy, int formatVersion) { }

    /** One queued alert as {@code outbox list} shows it. */
    public record Entry(long id, String sensor, String subject, int attempts, long nextTryMillis, String lastError,
                        long createdMillis, String messageId) { }

    /** Thrown by {@link #open} when another live outbox holds the directory's lock. */
    public static final class InUseException extends IOException {
        InUseException(String message) {
            super(message);
        }
    }

    static final class Pending {
        Alert alert;
        int attempts;
        long notBeforeNanos;
        boolean released;
        long nextTryMillis;
        String lastError = "";

        Pending(Alert alert) {
            this.alert = alert;
        }
    }

    /** The state a sequence of records describes (recovery and {@code outbox list} share it). */
    static final class Replay {
        final Map<Long, Pending> pending = new LinkedHashMap<>();
        long nextId = 1;
        long finished;
        long unreadable;

        void apply(int version, Journal.Rec r) {
            try {
                applyOrThrow(version, r);
            } catch (IOException | RuntimeException e) {
                unreadable++;
            }
        }

        private void applyOrThrow(int version, Journal.Rec r) throws IOException {
            long id = r.id();
            switch (r.type()) {
                case Journal.ACCEPTED -> {
                    pending.put(id, new Pending(AlertCodec.decode(version, id, r.buf(), r.bodyOff(), r.bodyLen())));
                    nextId = Math.max(nextId, id + 1);
                }
                case Journal.DELIVERED, Journal.FAILED -> {
                    pending.remove(id);
                    nextId = Math.max(nextId, id + 1);
                    finished++;
                }
                case Journal.SEQUENCE -> nextId = Math.max(nextId, id);
                case Journal.ATTEMPT -> {
                    Pending p = pending.get(id);
                    if (version == Journal.VERSION_1) {
                        if (r.bodyLen() != 4) {
                            throw new IOException("attempt record of " + r.bodyLen() + " bytes");
                        }
                        if (p != null) {
                            p.attempts = Math.max(p.attempts, Journal.getInt(r.buf(), r.bodyOff()));
                        }
                    } else {
                        if (r.bodyLen() < 16) {
                            throw new IOException("attempt record of " + r.bodyLen() + " bytes");
                        }
                        int attempts = Journal.getInt(r.buf(), r.bodyOff());
                        long next = Journal.getLong(r.buf(), r.bodyOff() + 4);
                        int n = Journal.getInt(r.buf(), r.bodyOff() + 12);
                        if (n < 0 || n != r.bodyLen() - 16) {
                            throw new IOException("attempt record error text does not fit");
                        }
                        if (p != null) {
                            p.attempts = Math.max(p.attempts, attempts);
                            p.nextTryMillis = next;
                            p.lastError = new String(r.buf(), r.bodyOff() + 16, n, StandardCharsets.UTF_8);
                        }
                    }
                    if (p != null) {
                        p.released = true; // due at once after a restart, like an alert never tried
                    }
                }
                case Journal.RETRY -> {
                    Pending p = pending.get(id);
                    if (p != null) {
                        p.released = true;
                        p.nextTryMillis = 0;
                    }
                }
                default -> throw new IOException("record type " + r.type());
            }
        }
    }

    private final OutboxFiles files;
    private final Path dir;
    private final Path file;
    private final int capacity;
    private final Backoff backoff;
    private final long giveUpAfterMillis;
    private final Log log;
    private final LongSupplier wallMillis;
    private final long nonce = new SecureRandom().nextLong();
    private String idDomain = "w5100-alert.invalid";
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private AutoCloseable lock;
    private OutboxFiles.Handle handle;
    private long size;
    private long nextSerial;
    private long nextId = 1;
    private long finishedRecords;
    private long compactBytes = 4L << 20;
    private long compactEmptyBytes = 64 * 1024;
    private Recovery recovery;
    private final OutboxControl.Service control;

    private Outbox(OutboxFiles files, Path dir, int capacity, Backoff backoff, long giveUpAfterMillis, Log log,
                   LongSupplier wallMillis) {
        this.files = files;
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.capacity = capacity;
        this.backoff = backoff;
        this.giveUpAfterMillis = giveUpAfterMillis;
        this.log = log;
        this.wallMillis = wallMillis;
        this.control = new OutboxControl.Service(this, files, dir, log);
    }

    /**
     * Opens (creating if needed) the outbox in {@code dir} on the real file system and recovers its pending
     * alerts. Recovered alerts are due at once and keep their attempt counts.
     */
    public static Outbox open(Path dir, int capacity, Backoff backoff, long giveUpAfterMillis, Log log)
            throws IOException {
        return open(OutboxFiles.system(), dir, capacity, backoff, giveUpAfterMillis, log, System::currentTimeMillis);
    }

    /** {@link #open(Path, int, Backoff, long, Log)} over the given file operations and wall clock. */
    public static Outbox open(OutboxFiles files, Path dir, int capacity, Backoff backoff, long giveUpAfterMillis,
                              Log log, LongSupplier wallMillis) throws IOException {
        files.createDirectories(dir);
        AutoCloseable lock = files.tryLock(dir.resolve(LOCK_NAME));
        if (lock == null) {
            throw new InUseException("outbox " + dir + " is in use by a running w5100-alert (it holds "
                    + dir.resolve(LOCK_NAME) + ")");
        }
        Outbox o = new Outbox(files, dir, capacity, backoff, giveUpAfterMillis, log, wallMillis);
        o.lock = lock;
        try {
            o.recover();
        } catch (IOException | RuntimeException e) {
            o.closeQuietly();
            throw e;
        }
        return o;
    }

    /** Reads the queue without the lock and without writing anything (for {@code outbox list}). */
    public static List<Entry> snapshot(OutboxFiles files, Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!files.exists(f)) {
            return List.of();
        }
        Journal.Parsed parsed = Journal.parse(files.read(f, MAX_FILE_BYTES));
        Replay replay = new Replay();
        for (Journal.Rec r : parsed.records) {
            replay.apply(parsed.version, r);
        }
        List<Entry> out = new ArrayList<>();
        for (Pending p : replay.pending.values()) {
            out.add(entry(p));
        }
        return out;
    }

    private static Entry entry(Pending p) {
        return new Entry(p.alert.id(), p.alert.sensor(), p.alert.subject(), p.attempts, p.nextTryMillis,
                p.lastError, p.alert.createdMillis(), p.alert.messageId());
    }

    /**
     * The domain after '@' in the Message-IDs this outbox mints (normally the sender's domain). One that
     * cannot stand in a Message-ID is ignored and {@code w5100-alert.invalid} is used.
     */
    public Outbox messageIdDomain(String domain) {
        if (domain != null && !domain.isEmpty() && MessageIds.usable("x@" + domain)) {
            idDomain = domain;
        }
        return this;
    }

    /** Compaction thresholds (tests make them small to exercise compaction). */
    void compactAt(long bytes, long emptyBytes) {
        compactBytes = bytes;
        compactEmptyBytes = emptyBytes;
    }

    public Recovery recovery() {
        return recovery;
    }

    public Path file() {
        return file;
    }

    public Path directory() {
        return dir;
    }

    public int pendingCount() {
        return pending.size();
    }

    public int capacity() {
        return capacity;
    }

    /** When the oldest pending alert was created (epoch millis), or -1 when none is pending. */
    public long oldestCreatedMillis() {
        long oldest = -1;
        for (Pending p : pending.values()) {
            long c = p.alert.createdMillis();
            if (oldest < 0 || c < oldest) {
                oldest = c;
            }
        }
        return oldest;
    }

    /** The id given to the latest accepted alert (0 before the first). */
    public long lastAcceptedId() {
        return nextId - 1;
    }

    /** Whether the alert with this id is still pending. */
    public boolean isPending(long id) {
        return pending.containsKey(id);
    }

    /** Alerts still to deliver, oldest first (a copy). */
    public List<Alert> pendingAlerts() {
        List<Alert> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            out.add(p.alert);
        }
        return out;
    }

    /** The queue as {@code outbox list} shows it. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            out.add(entry(p));
        }
        return out;
    }

    /**
     * Stores the alert durably, gives it an id and fixes its Message-ID and Date. Returns
     * {@link Offer#ACCEPTED} only after the write is forced to storage.
     */
    public Offer offer(Alert alert) {
        if (pending.size() >= capacity) {
            log.warn(C, "outbox full (" + capacity + " pending): alert for sensor " + alert.sensor()
                    + " refused; queued alerts kept, the sensor's changes stay pending");
            return Offer.FULL;
        }
        long id = nextId;
        long now = wallMillis.getAsLong();
        Alert stored = alert.withId(id).withMessage(mintMessageId(now, id), now);
        byte[] body = AlertCodec.encode(stored);
        if (Journal.recordSize(body.length) - Journal.FRAME > MAX_RECORD_BYTES) {
            log.error(C, "alert for sensor " + alert.sensor() + " is " + body.length + " bytes; at most "
                    + (MAX_RECORD_BYTES - Journal.PAYLOAD_HEAD) + ": refused");
            return Offer.TOO_LARGE;
        }
        try {
            append(Journal.ACCEPTED, id, body);
        } catch (IOException e) {
            log.error(C, "cannot store alert for sensor " + alert.sensor() + ": " + Log.reason(e));
            return Offer.IO_ERROR;
        }
        nextId++;
        pending.put(id, new Pending(stored));
        return Offer.ACCEPTED;
    }

    private String mintMessageId(long millis, long id) {
        return MessageBuilder.newMessageId(millis, id, nonce, idDomain);
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

    /** An operator asked for this alert to be tried now (recorded, so it holds across a restart). */
    public boolean retryNow(long id) throws IOException {
        Pending p = pending.get(id);
        if (p == null) {
            return false;
        }
        append(Journal.RETRY, id, new byte[0]);
        p.released = true;
        p.nextTryMillis = 0;
        return true;
    }

    /** Ids of the pending alerts, oldest first. */
    public List<Long> pendingIds() {
        return new ArrayList<>(pending.keySet());
    }

    /** Serves {@code outbox retry} and {@code outbox drop} commands handed over by the CLI; returns work done. */
    public int serveCommands(long nowNanos) {
        return control.poll(nowNanos);
    }

    /** The server took the message. */
    public void delivered(long id) throws IOException {
        if (pending.remove(id) == null) {
            return;
        }
        append(Journal.DELIVERED, id, new byte[0]);
        finished();
    }

    /**
     * A failure worth retrying (4xx, timeout, lost connection, chip reset). Schedules the next attempt,
     * or fails the alert for good when it is older than {@code giveUpAfter}. Returns the delay chosen
     * in nanoseconds, or -1 when the alert was given up.
     */
    public long transientFailure(long id, String reason, long nowNanos, long nowMillis) throws IOException {
        return retryLater(id, reason, nowNanos, nowMillis, false);
    }

    /**
     * A failure that needs the user (TLS could not be set up as configured: certificate refused, STARTTLS missing,
     * the board's clock not set). Retrying unchanged cannot help, but the user may fix the server or the clock may
     * get set, so the alert is kept and retried at the slowest rate only ({@code retry-max}, with jitter), logged at
     * ERROR on every attempt; it still fails for good after {@code giveUpAfter}. Returns the delay in nanoseconds,
     * or -1 when the alert was given up.
     */
    public long needsUserFailure(long id, String reason, long nowNanos, long nowMillis) throws IOException {
        return retryLater(id, reason, nowNanos, nowMillis, true);
    }

    /** Counts the attempt, then gives the alert up when it is too old or schedules and records the next try. */
    private long retryLater(long id, String reason, long nowNanos, long nowMillis, boolean needsUser)
            throws IOException {
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
        // A failure that needs the user waits the capped delay: the slowest retry rate.
        long delay = backoff.delay(needsUser ? Integer.MAX_VALUE : p.attempts);
        p.notBeforeNanos = nowNanos + delay;
        p.nextTryMillis = nowMillis + delay / 1_000_000L;
        p.lastError = reason.length() > MAX_ERROR_CHARS ? reason.substring(0, MAX_ERROR_CHARS) : reason;
        append(Journal.ATTEMPT, id, attemptBody(p));
        String line = "alert " + id + " (" + p.alert.sensor() + ") not sent, attempt " + p.attempts + ": " + reason;
        if (needsUser) {
            log.error(C, line + "; this needs a change of settings, retry in " + (delay / 1_000_000) + " ms");
        } else {
            log.warn(C, line + "; retry in " + (delay / 1_000_000) + " ms");
        }
        return delay;
    }

    /** The server refused the message for good (5xx), it expired or was dropped: recorded, logged, removed. */
    public void permanentFailure(long id, String reason) throws IOException {
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        append(Journal.FAILED, id, reason.getBytes(StandardCharsets.UTF_8));
        pending.remove(id);
        log.error(C, "alert " + id + " (" + p.alert.sensor() + ", \"" + p.alert.subject()
                + "\") failed permanently: " + reason);
        recordFailure(p.alert, reason);
        finished();
    }

    @Override
    public void close() throws IOException {
        try {
            if (handle != null) {
                handle.force();
                handle.close();
                handle = null;
            }
        } finally {
            releaseLock();
        }
    }

    private void closeQuietly() {
        try {
            if (handle != null) {
                handle.close();
                handle = null;
            }
        } catch (IOException ignored) {
            // already failing
        }
        releaseLock();
    }

    private void releaseLock() {
        if (lock != null) {
            try {
                lock.close();
            } catch (Exception ignored) {
                // the lock goes with the process anyway
            }
            lock = null;
        }
    }

    // ------------------------------------------------------------------------------ internals

    private void append(byte type, long id, byte[] body) throws IOException {
        if (handle == null) {
            throw new IOException("outbox is closed");
        }
        byte[] rec = Journal.record(type, id, nextSerial, body);
        long start = size;
        try {
            handle.write(start, rec, 0, rec.length);
            handle.force();
        } catch (IOException e) {
            // Leave no half record behind if we can; recovery would skip it anyway.
            try {
                handle.truncate(start);
            } catch (IOException ignored) {
                // recovery on the next start handles it
            }
            throw e;
        }
        size = start + rec.length;
        nextSerial++;
    }

    private void finished() throws IOException {
        finishedRecords++;
        if (pending.isEmpty() && size > HEADER_BYTES + compactEmptyBytes) {
            compact();
        } else if (size > compactBytes && finishedRecords > pending.size()) {
            compact();
        }
    }

    /**
     * Writes only the pending alerts to a new file, forces it, renames it over the old one and makes the
     * rename durable. A crash at any point leaves the old file or the new one, both complete.
     */
    private void compact() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        long serial = 0;
        out.write(Journal.header(Journal.VERSION));
        out.write(Journal.record(Journal.SEQUENCE, nextId, serial++, new byte[0]));
        for (Pending p : pending.values()) {
            out.write(Journal.record(Journal.ACCEPTED, p.alert.id(), serial++, AlertCodec.encode(p.alert)));
            if (p.attempts > 0 || !p.lastError.isEmpty()) {
                out.write(Journal.record(Journal.ATTEMPT, p.alert.id(), serial++, attemptBody(p)));
            }
        }
        byte[] image = out.toByteArray();
        Path tmp = dir.resolve(TMP_NAME);
        files.delete(tmp);
        try (OutboxFiles.Handle t = files.open(tmp)) {
            t.write(0, image, 0, image.length);
            t.force();
        }
        files.replace(tmp, file);
        files.forceDirectory(dir);
        if (handle != null) {
            handle.close();
        }
        handle = files.open(file);
        size = image.length;
        nextSerial = serial;
        finishedRecords = 0;
    }

    private static byte[] attemptBody(Pending p) {
        byte[] err = p.lastError.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[16 + err.length];
        Journal.putInt(b, 0, p.attempts);
        Journal.putLong(b, 4, p.nextTryMillis);
        Journal.putInt(b, 12, err.length);
        System.arraycopy(err, 0, b, 16, err.length);
        return b;
    }

    private void recover() throws IOException {
        files.delete(dir.resolve(TMP_NAME)); // a compaction a crash interrupted: the old file is still whole
        if (!files.exists(file)) {
            compact();
            recovery = new Recovery(0, 0, 0, false, 0, null, Journal.VERSION);
            return;
        }
        byte[] image = files.read(file, MAX_FILE_BYTES);
        Journal.Parsed parsed = Journal.parse(image);
        Replay replay = new Replay();
        for (Journal.Rec r : parsed.records) {
            replay.apply(parsed.version, r);
        }
        pending.putAll(replay.pending);
        nextId = replay.nextId;
        finishedRecords = replay.finished;
        for (Pending p : pending.values()) {
            if (p.alert.messageId() == null) { // version 1, or an id that could not be used
                long date = p.alert.dateMillis() != 0 ? p.alert.dateMillis() : p.alert.createdMillis();
                p.alert = p.alert.withMessage(mintMessageId(p.alert.createdMillis(), p.alert.id()), date);
            }
        }
        long lost = parsed.damagedRecords + replay.unreadable;
        boolean damaged = parsed.headerDamaged || parsed.damagedRegions > 0 || replay.unreadable > 0;
        Path copy = null;
        if (damaged || parsed.tornTailBytes > 0) {
            copy = keepDamagedCopy(image);
        }
        if (damaged) {
            if (parsed.foreign) {
                log.error(C, file + " is not an outbox file (bad header, no records); kept as " + copy
                        + " and started a new outbox");
            } else {
                log.error(C, "outbox " + file + " was damaged" + (parsed.headerDamaged ? " (bad header)" : "")
                        + ": " + lost + " record(s) lost, so up to " + lost + " alert(s) lost; "
                        + parsed.damagedBytes + " damaged byte(s) in " + parsed.damagedRegions + " place(s); "
                        + parsed.records.size() + " whole record(s) and " + pending.size()
                        + " pending alert(s) kept; the damaged file is kept as " + copy);
            }
        }
        if (parsed.tornTailBytes > 0) {
            log.warn(C, "outbox " + file + ": the last " + parsed.tornTailBytes + " byte(s) were a record cut short"
                    + " (normally a write a crash or power cut interrupted, so never accepted); cut off, the file"
                    + " as it was is kept as " + copy);
        }
        if (damaged || parsed.version != Journal.VERSION || image.length < HEADER_BYTES) {
            if (!damaged && image.length >= HEADER_BYTES) {
                log.info(C, "outbox " + file + " is format version " + parsed.version + "; rewriting it as version "
                        + Journal.VERSION + " with " + pending.size() + " pending alert(s)");
            }
            compact();
        } else {
            handle = files.open(file);
            size = parsed.goodEnd;
            if (parsed.tornTailBytes > 0) {
                handle.truncate(size);
                handle.force();
            }
            nextSerial = parsed.records.isEmpty() ? 0 : parsed.records.get(parsed.records.size() - 1).serial() + 1;
        }
        long discarded = parsed.damagedBytes + parsed.tornTailBytes;
        recovery = new Recovery(parsed.records.size(), pending.size(), parsed.foreign ? image.length : discarded,
                damaged, lost, copy, parsed.version);
        if (!pending.isEmpty()) {
            log.info(C, "recovered " + pending.size() + " pending alert(s) from " + file);
        }
    }

    /** Copies the damaged file beside the outbox (forced) before anything is rewritten; keeps the newest few. */
    private Path keepDamagedCopy(byte[] image) throws IOException {
        String base = DAMAGED_PREFIX + STAMP.format(Instant.ofEpochMilli(wallMillis.getAsLong()));
        Path copy = dir.resolve(base);
        for (int i = 1; files.exists(copy); i++) {
            copy = dir.resolve(base + "-" + i);
        }
        try (OutboxFiles.Handle h = files.open(copy)) {
            h.write(0, image, 0, image.length);
            h.force();
        }
        files.forceDirectory(dir);
        List<String> copies = new ArrayList<>();
        for (String name : files.list(dir)) {
            if (name.startsWith(DAMAGED_PREFIX)) {
                copies.add(name);
            }
        }
        copies.sort(null);
        for (int i = 0; i < copies.size() - DAMAGED_COPIES_KEPT; i++) {
            files.delete(dir.resolve(copies.get(i)));
        }
        return copy;
    }

    /** A human-readable, size-bounded record of permanent failures beside the outbox. */
    private void recordFailure(Alert a, String reason) {
        Path txt = dir.resolve("failed.txt");
        try {
            String line = Instant.ofEpochMilli(a.createdMillis()) + "\t" + a.id() + "\t" + a.sensor() + "\t"
                    + a.subject().replace('\t', ' ') + "\t" + reason.replace('\n', ' ').replace('\t', ' ') + "\n";
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            long at;
            try (OutboxFiles.Handle h = files.open(txt)) {
                at = h.size();
            }
            if (at > FAILED_TXT_MAX) {
                files.replace(txt, dir.resolve("failed.txt.1"));
                at = 0;
            }
            try (OutboxFiles.Handle h = files.open(txt)) {
                h.write(at, b, 0, b.length);
                h.force();
            }
        } catch (IOException e) {
            log.warn(C, "cannot append to " + txt + ": " + Log.reason(e));
        }
    }
}
