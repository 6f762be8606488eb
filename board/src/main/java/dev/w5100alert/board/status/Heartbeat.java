package dev.w5100alert.board.status;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.hal.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The periodic "alive" mail: {@code [heartbeat] every} (first at {@code at}, board time), to the configured
 * recipients, queued through the outbox like any alert so it is retried and survives a restart the same way.
 * If the previous heartbeat is still waiting in the outbox (the server is unreachable), no second one is
 * added: the next is scheduled and the waiting one goes out when it can.
 */
public final class Heartbeat {

    public static final String SENSOR = "heartbeat";
    private static final String C = "heartbeat";

    private final BoardConfig.Heartbeat cfg;
    private final List<String> recipients;
    private final StatusModel model;
    private final Outbox outbox;
    private final Clock clock;
    private final ZoneId zone;
    private final Log log;
    private final String boardIp;

    private long nextDueMillis;
    private long lastId = -1;
    private long acceptedAtLast;
    private long sent;
    private long coalesced;

    public Heartbeat(BoardConfig config, StatusModel model, Outbox outbox, Clock clock, ZoneId zone, Log log) {
        this.cfg = config.heartbeat();
        if (!cfg.enabled()) {
            throw new IllegalArgumentException("heartbeat is off");
        }
        this.recipients = config.smtp().recipients();
        this.model = model;
        this.outbox = outbox;
        this.clock = clock;
        this.zone = zone;
        this.log = log;
        this.boardIp = config.network().ipText();
        this.nextDueMillis = firstDue(clock.epochMillis(), cfg, zone);
    }

    /** The first time at {@code cfg.at()} (board time) after {@code nowMillis}. */
    static long firstDue(long nowMillis, BoardConfig.Heartbeat cfg, ZoneId zone) {
        ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
        ZonedDateTime at = LocalDate.from(now).atTime(cfg.at()).atZone(zone);
        if (!at.isAfter(now)) {
            at = at.plusDays(1);
        }
        return at.toInstant().toEpochMilli();
    }

    /** Queues the heartbeat when it is due; returns 1 if it did something. */
    public int doWork(long nowNanos) {
        long now = clock.epochMillis();
        if (now < nextDueMillis) {
            return 0;
        }
        long every = cfg.every().toMillis();
        // After a clock jump or a long stop: one heartbeat now, then the next one in the future.
        while (nextDueMillis <= now) {
            nextDueMillis += every;
        }
        if (lastId >= 0 && outbox.isPending(lastId)) {
            coalesced++;
            log.info(C, "the previous heartbeat is still queued; not adding another");
            return 1;
        }
        long alerts = model.accepted() - acceptedAtLast;
        String body = body(alerts, outbox.pendingCount(), model);
        Alert a = new Alert(0, SENSOR, now, "[w5100-alert] alive: " + boardIp, body, recipients, null, null);
        Outbox.Offer r = outbox.offer(a);
        if (r == Outbox.Offer.ACCEPTED) {
            lastId = outbox.lastAcceptedId();
            acceptedAtLast = model.accepted();
            sent++;
            log.info(C, "heartbeat queued (" + alerts + " alert(s) since the last one)");
        } else {
            log.warn(C, "heartbeat not queued: outbox says " + r);
        }
        return 1;
    }

    static String body(long alerts, int queued, StatusModel m) {
        StringBuilder b = new StringBuilder(256);
        b.append("alive, ").append(alerts).append(alerts == 1 ? " alert" : " alerts")
                .append(" since the last heartbeat, queue ").append(queued).append(", last failure ");
        if (m.lastFailureMillis() < 0) {
            b.append("none");
        } else {
            b.append(Instant.ofEpochMilli(m.lastFailureMillis())).append(": ").append(m.lastFailure());
        }
        b.append('\n');
        return b.toString();
    }

    /** Heartbeats queued so far. */
    public long sent() {
        return sent;
    }

    /** Heartbeats not added because the previous one was still queued. */
    public long coalesced() {
        return coalesced;
    }

    /** When the next heartbeat is due (epoch millis). */
    public long nextDueMillis() {
        return nextDueMillis;
    }
}
