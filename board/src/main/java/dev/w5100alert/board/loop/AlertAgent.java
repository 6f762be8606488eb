package dev.w5100alert.board.loop;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.alert.SensorAlerter;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.mail.MailTransport;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.board.sensor.SensorLevels;
import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.hal.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The firmware loop: one {@link #doWork(long)} call drains sensor events, debounces them, turns
 * them into alerts, stores those in the outbox, keeps the chip healthy and steps the mail transport.
 *
 * <p>Agrona-style duty cycle: {@code doWork(now)} never blocks beyond the transport's and driver's own
 * bounded steps and returns how much it did, so {@link #run} idles only when there was nothing to do.
 * GPIO callbacks only touch the {@link SensorEventQueue}.
 *
 * <p><b>Chip health.</b> Every {@code healthCheckNanos}, and after any transient send failure, the chip
 * is probed. If it does not answer, the send in flight is aborted (its alert stays in the outbox and
 * is due again at once, without counting as an attempt), the chip is reset through its reset pin
 * and brought up again; a failed reset is retried every {@code healthCheckNanos}. Queued alerts are
 * on disk throughout, so nothing is lost.
 *
 * <p><b>Shutdown.</b> {@link #run} returns when its stop signal is raised: a send in flight gets up
 * to {@code graceNanos} to finish; if it does not, it is aborted and its alert stays parked in the
 * outbox for the next start. Not thread-safe: one thread owns the agent.
 */
public final class AlertAgent implements SensorEventQueue.Sink {

    private static final String C = "loop";

    private final List<BoardConfig.Sensor> sensors;
    private final SensorAlerter[] alerters;
    private final SensorEventQueue queue;
    private final SensorLevels levels;
    private final Outbox outbox;
    private final MailTransport transport;
    private final ChipSupervisor chip;
    private final Clock clock;
    private final Log log;
    private final long healthCheckNanos;

    // Debounce state per sensor: the raw level last seen and when, and the level last reported.
    private final boolean[] raw;
    private final long[] rawNanos;
    private final long[] rawMillis;
    private final boolean[] reported;
    private final long[] debounceNanos;
    private long droppedSeen;

    /** Scanning the outbox for a due alert is O(pending): do it when something may be due, at least every 100 ms. */
    private static final long MAX_SCAN_GAP_NANOS = 100_000_000L;

    private long nextScan;
    private Alert inFlight;
    private boolean chipUp = true;
    private boolean checkChip;
    private long nextHealthCheck;
    private long delivered;
    private long queued;
    private long failed;
    private long chipResets;
    private long faults;
    private long faultsUnlogged;
    private long lastFaultLog;

    // The LAN jobs (DHCP, DNS, network time), when the board has them; see lan(...).
    private LanAgent lan;
    private long lanSince;
    private long timeWaitNanos;
    private long lanNext;
    private boolean lanStarted;
    private boolean timeWasKnown;
    private boolean mailWaitLogged;
    private long bootMaxId = -1;
    private long preTimeMaxId = -1;
    private long preTimeOffsetMillis;

    public AlertAgent(List<BoardConfig.Sensor> sensors, SensorEventQueue queue, SensorLevels levels,
                      boolean[] initialLevels, Outbox outbox, MailTransport transport, ChipSupervisor chip,
                      Clock clock, Log log, long healthCheckNanos) {
        this.sensors = List.copyOf(sensors);
        this.queue = queue;
        this.levels = levels;
        this.outbox = outbox;
        this.transport = transport;
        this.chip = chip;
        this.clock = clock;
        this.log = log;
        this.healthCheckNanos = healthCheckNanos;
        int n = sensors.size();
        alerters = new SensorAlerter[n];
        raw = new boolean[n];
        rawNanos = new long[n];
        rawMillis = new long[n];
        reported = new boolean[n];
        debounceNanos = new long[n];
        for (int i = 0; i < n; i++) {
            alerters[i] = new SensorAlerter(sensors.get(i));
            raw[i] = initialLevels[i];
            reported[i] = initialLevels[i];
            debounceNanos[i] = sensors.get(i).debounce().toNanos();
        }
        nextHealthCheck = clock.nanoTime() + healthCheckNanos;
    }

    /**
     * Runs the board's LAN jobs in this loop: {@code lan.doWork} is stepped in every cycle where it is due (or a
     * reply is awaited) and never blocks; mail waits until {@link LanAgent#mailMayGo} says the address, the
     * server's address and (unless time is off) network time are there, network time for at most
     * {@code timeWaitNanos} from the first cycle.
     *
     * <p>Date of alerts raised before network time: the outbox fixes an alert's Date when it accepts it, from the
     * wall clock of that moment, which before the first SNTP answer is the board's own (possibly wrong) clock. When
     * network time first arrives, the alerts this run accepted until then are remembered together with the offset
     * learnt, and each is sent with its stored Date plus that offset (the raw time corrected, not the time of
     * sending). The correction lives in memory: an alert of a run that ended before its time was known keeps its
     * stored Date.
     */
    public void lan(LanAgent lanAgent, long maxTimeWaitNanos) {
        this.lan = lanAgent;
        this.timeWaitNanos = maxTimeWaitNanos;
        long max = -1;
        for (long id : outbox.pendingIds()) {
            max = Math.max(max, id);
        }
        this.bootMaxId = max;
        this.timeWasKnown = lanAgent.clock().known();
    }

    public LanAgent lan() {
        return lan;
    }

    private int stepLan(long now) {
        if (!lanStarted) {
            lanStarted = true;
            lanSince = now;
            lanNext = now;
        }
        if (now - lanNext >= 0 || lan.waitingForReply()) {
            lanNext = lan.doWork(now);
        }
        if (!timeWasKnown && lan.clock().known()) {
            timeWasKnown = true;
            long max = bootMaxId;
            for (long id : outbox.pendingIds()) { // once per run
                max = Math.max(max, id);
            }
            preTimeMaxId = max;
            preTimeOffsetMillis = lan.clock().offsetMillis();
            log.info(C, "network time set: the board's clock was off by " + preTimeOffsetMillis + " ms"
                    + (preTimeMaxId > bootMaxId ? "; alert(s) " + (bootMaxId + 1) + ".." + preTimeMaxId
                    + " raised before get their Date corrected by that" : ""));
        }
        return 0; // waiting on the network is not work: the loop may idle
    }

    /**
     * "Now" for the outbox's give-up-after check of {@code a}: an alert raised before network time carries the
     * board's uncorrected clock in its creation time, so its age is measured on that clock.
     */
    private long ageMillis(Alert a) {
        boolean preTime = a.id() > bootMaxId && a.id() <= preTimeMaxId;
        return clock.epochMillis() - (preTime ? preTimeOffsetMillis : 0);
    }

    /** The alert as it is sent: one raised in this run before network time gets its Date corrected. */
    private Alert dated(Alert a) {
        if (a.id() > bootMaxId && a.id() <= preTimeMaxId && a.dateMillis() != 0) {
            return a.withMessage(a.messageId(), a.dateMillis() + preTimeOffsetMillis);
        }
        return a;
    }

    public long deliveredCount() {
        return delivered;
    }

    /** Alerts accepted into the outbox by this agent. */
    public long queuedCount() {
        return queued;
    }

    public long failedCount() {
        return failed;
    }

    public long chipResets() {
        return chipResets;
    }

    public boolean idle() {
        return inFlight == null && outbox.pendingCount() == 0 && pendingChanges() == 0;
    }

    /** Changes seen by the alerters and not yet in an accepted alert. */
    public int pendingChanges() {
        int n = 0;
        for (int i = 0; i < alerters.length; i++) {
            n += alerters[i].pending() + (raw[i] != reported[i] ? 1 : 0);
        }
        return n;
    }

    @Override
    public void onEdge(int sensor, boolean active, long epochMillis, long nanos) {
        if (sensor < 0 || sensor >= raw.length || raw[sensor] == active) {
            return;
        }
        raw[sensor] = active;
        rawNanos[sensor] = nanos;
        rawMillis[sensor] = epochMillis;
    }

    /**
     * The earliest time a timer of this loop is due (outbox scan, chip probe, a debounce ending, the SMTP
     * stage deadline of the send in flight, the LAN jobs' next timer or reply poll), so {@link #run}'s wait never parks past it. Sensor edges
     * and /INT wake the wait through the clock instead.
     */
    public long nextDeadline(long now) {
        long next = nextScan - now > 0 ? nextScan : now + MAX_SCAN_GAP_NANOS;
        if (nextHealthCheck - next < 0) {
            next = nextHealthCheck;
        }
        for (int i = 0; i < raw.length; i++) {
            long end = rawNanos[i] + debounceNanos[i];
            if (raw[i] != reported[i] && end - next < 0) {
                next = end;
            }
        }
        if (inFlight != null) {
            long stage = transport.deadline(now);
            if (stage - now > 0 && stage - next < 0) {
                next = stage;
            }
        }
        if (lan != null && lanStarted) {
            // The LAN's next timer; while a DHCP, DNS or SNTP reply (or the ARP probe) is awaited, a short poll,
            // since not every UDP event reaches /INT.
            long lanAt = lan.waitingForReply() ? now + LAN_POLL_NANOS : lanNext;
            if (lanAt - next < 0) {
                next = lanAt;
            }
        }
        return next;
    }

    /** How often the loop looks at the LAN's socket while a reply is awaited, when nothing else wakes it sooner. */
    static final long LAN_POLL_NANOS = 5_000_000L;

    /** Any thread: wakes {@link #run}'s wait (the stop signal was raised). */
    public void wakeUp() {
        clock.wake();
    }

    /**
     * One duty cycle; returns the amount of work done (0: nothing to do, the caller may idle).
     *
     * <p>Never throws: an exception from any step (a bug, or a fault no step expected) is caught here, logged
     * as one line, the alert in flight is parked in the outbox as a failed attempt (so its back-off and
     * {@code give-up-after} apply and it cannot block the queue), and the next cycle goes on. The service
     * therefore cannot die on one alert and then die again on the same stored alert after every restart.
     */
    public int doWork(long now) {
        try {
            return cycle(now);
        } catch (RuntimeException e) {
            lastResort(e, now);
            return 1;
        }
    }

    private void lastResort(RuntimeException e, long now) {
        faults++;
        Alert a = inFlight;
        inFlight = null;
        nextScan = now + MAX_SCAN_GAP_NANOS; // no hot loop if the fault repeats
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (a == null) {
            // A fault outside any send may repeat every cycle: one line per second at most, with the count.
            if (faultsUnlogged > 0 && now - lastFaultLog < 1_000_000_000L) {
                faultsUnlogged++;
                return;
            }
            log.error(C, "unexpected fault in the service loop (" + what + "); the loop goes on"
                    + (faultsUnlogged > 1 ? " (" + (faultsUnlogged - 1) + " more since the last report)" : ""));
            lastFaultLog = now;
            faultsUnlogged = 1;
            return;
        }
        log.error(C, "unexpected fault while sending alert " + a.id() + " (" + what + "); it stays queued and is "
                + "retried later");
        try {
            transport.abort();
        } catch (RuntimeException ignored) {
            // the transport builds a fresh engine on the next start
        }
        try {
            outbox.transientFailure(a.id(), "internal fault: " + what, now, ageMillis(a));
        } catch (IOException | RuntimeException ex) {
            try {
                outbox.release(a.id());
            } catch (RuntimeException ignored) {
                // still on disk: the next start sends it
            }
        }
    }

    /** Faults caught by the loop's last-resort handler (0 unless something unexpected happened). */
    public long faultCount() {
        return faults;
    }

    private LoopHooks hooks = LoopHooks.NONE;

    /** Installs the status model's and extra tasks' hooks (one set; {@link LoopHooks#NONE} removes them). */
    public void hooks(LoopHooks hooks) {
        this.hooks = hooks == null ? LoopHooks.NONE : hooks;
    }

    private int cycle(long now) {
        int work = queue.drain(this);
        long dropped = queue.dropped();
        if (dropped != droppedSeen) {
            log.warn(C, (dropped - droppedSeen) + " GPIO event(s) dropped (queue full); re-reading sensor levels");
            droppedSeen = dropped;
            for (int i = 0; i < raw.length; i++) {
                onEdge(i, levels.active(i), clock.epochMillis(), now);
            }
        }
        work += debounce(now);
        work += raiseAlerts(now);
        work += superviseChip(now);
        work += outbox.serveCommands(now); // outbox retry / drop from the command line
        if (chipUp && lan != null) {
            work += stepLan(now);
        }
        if (chipUp) {
            work += send(now);
        }
        work += hooks.doWork(now, chipUp);
        return work;
    }

    private int debounce(long now) {
        int work = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != reported[i] && now - rawNanos[i] >= debounceNanos[i]) {
                reported[i] = raw[i];
                hooks.sensorChanged(i, raw[i], rawMillis[i]);
                log.info(C, "sensor " + sensors.get(i).name() + " is "
                        + (raw[i] ? sensors.get(i).activeName() : sensors.get(i).inactiveName()));
                long suppressedBefore = alerters[i].suppressed();
                alerters[i].onChange(raw[i], rawMillis[i], now);
                if (alerters[i].suppressed() != suppressedBefore) {
                    log.info(C, "change of sensor " + sensors.get(i).name() + " not mailed: inside its min-interval "
                            + "and coalesce is off (" + alerters[i].suppressed() + " so far)");
                }
                work++;
            }
        }
        return work;
    }

    private int raiseAlerts(long now) {
        int work = 0;
        for (SensorAlerter a : alerters) {
            Alert alert;
            try {
                alert = a.poll(now);
            } catch (IllegalArgumentException e) {
                // The rule cannot render (the configuration check makes this impossible; kept as a bound): report
                // the changes as lost, in the log, instead of failing on them every cycle.
                int lost = a.pending();
                a.accepted(now, clock.epochMillis());
                failed++;
                log.error(C, "cannot build the alert for sensor " + a.sensorName() + " (" + e.getMessage() + "); "
                        + lost + " change(s) not mailed");
                work++;
                continue;
            }
            if (alert == null) {
                continue;
            }
            work++;
            Outbox.Offer result = outbox.offer(alert);
            if (result == Outbox.Offer.ACCEPTED) {
                a.accepted(now, clock.epochMillis());
                queued++;
                hooks.alertAccepted(alert, clock.epochMillis());
                nextScan = now; // due at once
                log.info(C, "alert queued for sensor " + a.sensorName() + ": \"" + alert.subject() + "\" ("
                        + outbox.pendingCount() + " pending)");
            } else {
                a.refused(now);
            }
        }
        return work;
    }

    private int superviseChip(long now) {
        if (!checkChip && now - nextHealthCheck < 0) {
            return 0;
        }
        checkChip = false;
        nextHealthCheck = now + healthCheckNanos;
        if (chipUp && chip.responding()) {
            return 0;
        }
        boolean abortAfterReset = false;
        if (chipUp) {
            log.warn(C, "network chip stopped answering; resetting it");
            chipUp = false;
            if (inFlight != null) {
                abortAfterReset = true;
                outbox.release(inFlight.id());
                nextScan = now;
                log.info(C, "alert " + inFlight.id() + " stays queued until the chip is back");
                inFlight = null;
            }
        }
        String problem = chip.reset();
        chipResets++;
        boolean resetOk = false;
        if (abortAfterReset) {
            // After the reset: the reset already killed the socket, so closing it does not wait for a FIN
            // handshake on a chip that does not answer.
            transport.abort();
        }
        if (problem == null && chip.responding()) {
            chipUp = true;
            if (lan != null) {
                lan.chipReset(now); // the lease (or fallback address) goes back into the chip
                lanNext = now;
            }
            resetOk = true;
            nextScan = now;
            log.info(C, "network chip reset and configured again; " + outbox.pendingCount() + " alert(s) queued");
        } else {
            log.error(C, "network chip reset failed: " + (problem == null ? "still not answering" : problem)
                    + "; next try in " + (healthCheckNanos / 1_000_000) + " ms");
        }
        hooks.chipReset(resetOk);
        return 1;
    }

    private int send(long now) {
        try {
            if (inFlight == null) {
                if (now - nextScan < 0) {
                    return 0;
                }
                Alert next = outbox.nextDue(now);
                if (next == null) {
                    long wait = outbox.nanosUntilDue(now);
                    nextScan = now + (wait < 0 ? MAX_SCAN_GAP_NANOS : Math.min(wait, MAX_SCAN_GAP_NANOS));
                    return 0;
                }
                if (lan != null && !lan.mailMayGo(now, lanSince, timeWaitNanos)) {
                    if (!mailWaitLogged) {
                        mailWaitLogged = true;
                        log.info(C, "alert " + next.id() + " waits for the network: " + (!lan.addressed()
                                ? "no address yet (DHCP)" : lan.mailServer() == 0 ? "mail server not resolved yet"
                                : "network time not known yet (at most " + timeWaitNanos / 1_000_000_000L + " s)"));
                    }
                    nextScan = now + MAX_SCAN_GAP_NANOS;
                    return 0;
                }
                if (lan != null && mailWaitLogged && !lan.clock().known()) {
                    log.warn(C, "no network time after " + timeWaitNanos / 1_000_000_000L + " s; mail goes with the "
                            + "board's own clock");
                }
                mailWaitLogged = false;
                log.info(C, "sending alert " + next.id() + " (" + next.sensor() + ", attempt "
                        + (outbox.attempts(next.id()) + 1) + ")");
                inFlight = next;
                try {
                    transport.start(dated(next), now);
                } catch (IllegalArgumentException e) {
                    inFlight = null;
                    // The alert itself cannot be sent (too large, a line break in the subject, ...): no retry can
                    // change that, so it goes to failed.txt with the reason and the queue moves on.
                    failed++;
                    transport.abort();
                    outbox.permanentFailure(next.id(), "cannot be sent: " + e.getMessage());
                    hooks.attemptEnded(next, Delivery.permanentFailure(0, "cannot be sent"), clock.epochMillis());
                    nextScan = now;
                    return 1;
                }
                return 1;
            }
            Delivery d = transport.poll(now);
            if (d == null) {
                return 0; // still running: let the caller idle rather than spin on a slow server
            }
            Alert a = inFlight;
            inFlight = null;
            switch (d.kind()) {
                case DELIVERED -> {
                    outbox.delivered(a.id());
                    delivered++;
                    log.info(C, "alert " + a.id() + " delivered" + (d.refused() > 0
                            ? " (" + d.refused() + " recipient(s) refused: " + d.detail() + ")" : ""));
                }
                case TRANSIENT -> {
                    outbox.transientFailure(a.id(), d.detail(), now, ageMillis(a));
                    checkChip = true; // a timeout may mean the chip died under us
                }
                case AUTH_FAILED -> {
                    log.error(C, "SMTP authentication failed: " + d.detail()); // the detail ends with its advice
                    outbox.transientFailure(a.id(), d.detail(), now, ageMillis(a));
                }
                case TLS_FAILED -> outbox.needsUserFailure(a.id(), d.detail(), now, ageMillis(a));
                case PERMANENT -> {
                    failed++;
                    outbox.permanentFailure(a.id(), d.detail());
                }
            }
            hooks.attemptEnded(a, d, clock.epochMillis());
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException("outbox write failed", e);
        }
    }

    /**
     * Runs duty cycles until {@code stop} says so, idling on the clock when there is no work; then
     * finishes or parks the send in flight within {@code graceNanos} and closes the outbox.
     */
    public void run(BooleanSupplier stop, long graceNanos) throws IOException {
        try {
            while (!stop.getAsBoolean()) {
                long now = clock.nanoTime();
                if (doWork(now) > 0) {
                    clock.progress();
                } else {
                    // The one wait: backs off to a few ms while polling, parks to the next deadline with
                    // /INT wired; a sensor edge or /INT wakes it at once.
                    clock.idleUntil(nextDeadline(now));
                }
            }
            finishOrPark(graceNanos);
        } finally {
            outbox.close();
        }
    }

    /** Gives the send in flight up to {@code graceNanos}; aborts it (alert stays queued) after that. */
    public void finishOrPark(long graceNanos) {
        long deadline = clock.nanoTime() + graceNanos;
        while (inFlight != null && clock.nanoTime() - deadline < 0) {
            long now = clock.nanoTime();
            try {
                send(now);
            } catch (RuntimeException e) {
                lastResort(e, now);
            }
            if (inFlight != null) {
                clock.idleUntil(deadline);
            }
        }
        if (inFlight != null) {
            transport.abort();
            log.info(C, "shutdown: alert " + inFlight.id() + " parked in the outbox, sent on next start");
            inFlight = null;
        } else {
            log.info(C, "shutdown: nothing in flight; " + outbox.pendingCount() + " alert(s) stay queued");
        }
        int changes = pendingChanges();
        if (changes > 0) {
            // Changes held back by min-interval (or still debouncing) are in memory only: say so rather than lose
            // them in silence.
            log.warn(C, "shutdown: " + changes + " sensor change(s) not yet in an alert are not kept (they waited for "
                    + "min-interval or debounce); the next start reads the sensors afresh");
        }
    }

    /** Runs until the outbox is empty and no change is pending, or the deadline passes. Returns idle(). */
    public boolean runUntilIdle(long deadlineNanos) {
        while (clock.nanoTime() - deadlineNanos < 0) {
            int w = doWork(clock.nanoTime());
            if (w == 0 && idle()) {
                return true;
            }
            if (w == 0) {
                clock.idleUntil(Math.min(deadlineNanos, nextDeadline(clock.nanoTime())));
            } else {
                clock.progress();
            }
        }
        return idle();
    }
}
