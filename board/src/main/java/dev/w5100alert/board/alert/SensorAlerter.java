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
        String changes = "";
        if (pending > 1 || deferred) {
            changes = pending + " more change" + (pending == 1 ? "" : "s") + " since " + since + "; now " + state + ".";
        }
        BoardConfig.AlertRule rule = sensor.rule();
        String subject = Template.render(rule.subjectTemplate(), sensor.name(), state, time, pending, changes, since);
        String body = Template.render(rule.bodyTemplate(), sensor.name(), state, time, pending, changes, since);
        String csvName = null;
        String csv = null;
        if (rule.csvEvents() > 0) {
            csvName = sensor.name() + "-events.csv";
            csv = csv();
        }
        return new Alert(0, sensor.name(), latestMillis, subject, body, rule.recipients(), csvName, csv);
    }

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
