package dev.w5100alert.board.alert;

import dev.w5100alert.board.config.BoardConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Turns one sensor's state changes into alerts, applying its rule's minimum interval and coalescing.
 *
 * <p>The first change after a quiet period is mailed at once. Changes that arrive before
 * {@code min-interval} has passed since the last mail are held: with {@code coalesce = true} they
 * are summarised in one mail when the interval ends ("3 more changes since ..."), reporting the
 * latest state; with {@code coalesce = false} they are only counted ({@link #suppressed()}) and
 * logged by the caller.
 *
 * <p>Time is passed in (monotonic nanoseconds for intervals, epoch milliseconds for the text), so
 * the rules are tested on a fake clock. Not thread-safe: owned by the firmware loop. The recent
 * event history for the CSV attachment is a fixed ring allocated at construction.
 */
public final class SensorAlerter {

    private final BoardConfig.Sensor sensor;
    private final long minIntervalNanos;

    private boolean mailedBefore;
    private long lastMailNanos;
    private long lastMailMillis;
    private boolean held;
    private long notBeforeNanos;

    private int pending;
    private long firstPendingNanos;
    private boolean latestActive;
    private long latestMillis;
    private long suppressed;

    private final long[] historyMillis;
    private final boolean[] historyActive;
    private int historyCount;
    private int historyNext;

    public SensorAlerter(BoardConfig.Sensor sensor) {
        this.sensor = sensor;
        this.minIntervalNanos = sensor.rule().minInterval().toNanos();
        int size = Math.max(1, sensor.rule().csvEvents());
        this.historyMillis = new long[size];
        this.historyActive = new boolean[size];
    }

    public String sensorName() {
        return sensor.name();
    }

    /** Changes that were dropped because they came inside the quiet period and coalescing is off. */
    public long suppressed() {
        return suppressed;
    }

    /** Changes recorded but not yet in an accepted alert. */
    public int pending() {
        return pending;
    }

    /** Records one debounced state change. */
    public void onChange(boolean active, long epochMillis, long nowNanos) {
        historyMillis[historyNext] = epochMillis;
        historyActive[historyNext] = active;
        historyNext = (historyNext + 1) % historyMillis.length;
        historyCount = Math.min(historyCount + 1, historyMillis.length);

        boolean quiet = !mailedBefore || nowNanos - lastMailNanos >= minIntervalNanos;
        if (!quiet && !sensor.rule().coalesce()) {
            suppressed++;
            return;
        }
        if (pending == 0) {
            firstPendingNanos = nowNanos;
        }
        pending++;
        latestActive = active;
        latestMillis = epochMillis;
    }

    /** Returns the alert due now, or null. Call {@link #accepted} or {@link #refused} with the result. */
    public Alert poll(long nowNanos) {
        if (pending == 0 || (held && nowNanos - notBeforeNanos < 0)) {
            return null;
        }
        if (mailedBefore && nowNanos - lastMailNanos < minIntervalNanos) {
            return null;
        }
        String state = latestActive ? sensor.activeName() : sensor.inactiveName();
        String time = iso(latestMillis);
        String since = mailedBefore ? iso(lastMailMillis) : "start";
        boolean deferred = mailedBefore && firstPendingNanos - lastMailNanos < minIntervalNanos;
        String changes = pending > 1 || deferred ? changes(pending, since, state) : "";
        BoardConfig.AlertRule rule = sensor.rule();
        return alert(sensor, state, time, pending, changes, since, latestMillis, rule.csvEvents() > 0 ? csv() : null);
    }

    private static String changes(int pending, String since, String state) {
        return pending + " more change" + (pending == 1 ? "" : "s") + " since " + since + "; now " + state + ".";
    }

    private static Alert alert(BoardConfig.Sensor sensor, String state, String time, int pending, String changes,
                               String since, long millis, String csv) {
        BoardConfig.AlertRule rule = sensor.rule();
        String subject = Template.render(rule.subjectTemplate(), sensor.name(), state, time, pending, changes, since);
        String body = Template.render(rule.bodyTemplate(), sensor.name(), state, time, pending, changes, since);
        String csvName = csv == null ? null : sensor.name() + "-events.csv";
        return new Alert(0, sensor.name(), millis, subject, body, rule.recipients(), csvName, csv);
    }

    /**
     * The largest alert this sensor can raise, built by the same code as {@link #poll}: the longer of its two
     * state names, the largest count, the longest time text, the full {@code {changes}} summary and a CSV
     * attachment with {@code csv-events} rows of the longer state. The configuration check sends it through
     * the message checks, so a configuration that passes cannot raise an alert too large to send.
     */
    public static Alert worstCase(BoardConfig.Sensor sensor) {
        String state = longer(sensor.activeName(), sensor.inactiveName());
        String time = iso(LATEST_MILLIS);
        int count = Integer.MAX_VALUE;
        String csv = null;
        int rows = sensor.rule().csvEvents();
        if (rows > 0) {
            StringBuilder sb = new StringBuilder("time,sensor,state\r\n");
            for (int i = 0; i < rows; i++) {
                sb.append(time).append(',').append(sensor.name()).append(',').append(state).append("\r\n");
            }
            csv = sb.toString();
        }
        return alert(sensor, state, time, count, changes(count, time, state), time, LATEST_MILLIS, csv);
    }

    /** The longer of two texts in UTF-8 bytes (what the message limits count). */
    public static String longer(String a, String b) {
        return b.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length ? b : a;
    }

    /** 9999-12-31T23:59:59Z: no time text is longer. */
    private static final long LATEST_MILLIS = 253_402_300_799_000L;

    /** The outbox took the alert returned by {@link #poll}: the quiet period starts now. */
    public void accepted(long nowNanos, long nowMillis) {
        mailedBefore = true;
        lastMailNanos = nowNanos;
        lastMailMillis = nowMillis;
        pending = 0;
        held = false;
    }

    /**
     * The outbox refused the alert (full). The changes stay pending, so the next attempt (after the
     * minimum interval, at least a second) summarises them too: nothing is forgotten silently.
     */
    public void refused(long nowNanos) {
        held = true;
        notBeforeNanos = nowNanos + Math.max(minIntervalNanos, 1_000_000_000L);
    }

    private String csv() {
        StringBuilder sb = new StringBuilder(32 + historyCount * 48);
        sb.append("time,sensor,state\r\n");
        int start = (historyNext - historyCount + historyMillis.length) % historyMillis.length;
        for (int i = 0; i < historyCount; i++) {
            int at = (start + i) % historyMillis.length;
            sb.append(iso(historyMillis[at])).append(',').append(sensor.name()).append(',')
                    .append(historyActive[at] ? sensor.activeName() : sensor.inactiveName()).append("\r\n");
        }
        return sb.toString();
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
