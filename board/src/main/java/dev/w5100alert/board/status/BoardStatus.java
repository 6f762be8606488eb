package dev.w5100alert.board.status;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.loop.LoopHooks;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.firmware.http.HttpResponder;
import dev.w5100alert.firmware.http.W5100ServerLink;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.W5100Driver;
import java.time.ZoneId;

/**
 * The board's status side, as the loop sees it: the {@link StatusModel} fed by the loop's events, the status
 * page's {@link HttpResponder} on a W5100 socket of its own (when {@code [status] port} is set) and the
 * {@link Heartbeat} (when {@code [heartbeat] every} is set), both stepped in every loop cycle.
 */
public final class BoardStatus implements LoopHooks {

    public final StatusModel model;
    /** Null when {@code [status] port = off}. */
    public final HttpResponder server;
    /** Null when {@code [status] port = off}. */
    public final W5100ServerLink link;
    /** Null when {@code [heartbeat] every = off}. */
    public final Heartbeat heartbeat;

    public BoardStatus(BoardConfig config, boolean[] initial, W5100Driver driver, Outbox outbox, Clock clock,
                       ZoneId zone, Log log) {
        this.model = new StatusModel(config, initial, clock.epochMillis(), clock.nanoTime());
        if (config.status().enabled()) {
            link = new W5100ServerLink(driver, config.status().port());
            server = new HttpResponder(link, new StatusPages(model, outbox, clock), bodyCapacity(config));
        } else {
            link = null;
            server = null;
        }
        heartbeat = config.heartbeat().enabled() ? new Heartbeat(config, model, outbox, clock, zone, log) : null;
    }

    /** Room for the largest page: the fixed part plus each sensor's row and a full ring of changes in its chart. */
    static int bodyCapacity(BoardConfig config) {
        return 12_288 + config.sensors().size() * (1_024 + StatusModel.CHANGES_KEPT * 2 * 64);
    }

    @Override
    public void sensorChanged(int sensor, boolean active, long epochMillis) {
        model.sensorChanged(sensor, active, epochMillis);
    }

    @Override
    public void alertAccepted(Alert alert, long epochMillis) {
        model.alertAccepted(alert, epochMillis);
    }

    @Override
    public void attemptEnded(Alert alert, Delivery delivery, long epochMillis) {
        if (Heartbeat.SENSOR.equals(alert.sensor()) && delivery.kind() == Delivery.Kind.DELIVERED) {
            model.heartbeatDelivered(epochMillis);
        }
        model.attemptEnded(alert, delivery, epochMillis);
    }

    @Override
    public void chipReset(boolean ok) {
        model.chipReset(ok);
    }

    @Override
    public int doWork(long now, boolean chipUp) {
        int work = 0;
        if (heartbeat != null) {
            work += heartbeat.doWork(now);
        }
        // While the chip is down (being reset) the socket is gone; the responder listens again once it is back.
        if (server != null && chipUp) {
            work += server.doWork(now);
        }
        return work;
    }
}
