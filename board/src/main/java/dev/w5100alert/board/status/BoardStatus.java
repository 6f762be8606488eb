package dev.w5100alert.board.status;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.loop.LoopHooks;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.http.HttpResponder;
import dev.w5100alert.firmware.http.W5100ServerLink;
import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
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
    private LanAgent lan;
    private String mailServerName;
    private boolean networkTime;
    private long lanKey;

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

    /** Run on the loop thread at every {@link #doWork}; volatile, as it may be installed from another thread. */
    private volatile Runnable loopTask;

    /**
     * Installs a task the loop runs at every cycle, on its own thread: the way to hand state that only the loop
     * may read (a single-threaded simulator's, say) to other threads. Keep it to a few field reads.
     */
    public void loopTask(Runnable task) {
        this.loopTask = task;
    }

    /**
     * Lets the pages show the board's LAN state (lease, the mail server's DNS answer, network time). The lines are
     * rebuilt only when that state changes (a new lease, a renewal, a lookup, a time sync), never per cycle.
     */
    public void lan(LanAgent agent, String mailServerName, boolean networkTime) {
        this.lan = agent;
        this.mailServerName = mailServerName;
        this.networkTime = networkTime;
        this.lanKey = Long.MIN_VALUE;
    }

    /** Rebuilds the model's network lines when anything they show has changed since the last cycle. */
    void publishLanState() {
        DhcpClient dhcp = lan.dhcp();
        NetworkClock wall = lan.clock();
        long key = lan.fellBack() ? 1 : 0;
        if (dhcp != null) {
            key = key * 31 + dhcp.state().ordinal();
            key = key * 31 + dhcp.address();
            key = key * 31 + dhcp.renewals() + dhcp.rebinds() * 7 + dhcp.losses() * 13;
        }
        key = key * 31 + lan.mailServer();
        key = key * 31 + wall.syncs();
        if (key == lanKey) {
            return;
        }
        lanKey = key;
        String lease;
        if (dhcp == null) {
            lease = null;
        } else if (lan.fellBack()) {
            lease = "none: no DHCP lease in time, using the static fallback address";
        } else if (!dhcp.bound()) {
            lease = "none yet (DHCP " + dhcp.state().name().toLowerCase(java.util.Locale.ROOT) + ")";
        } else {
            lease = Ipv4.format(dhcp.address()) + "/" + Ipv4.format(dhcp.subnet()) + " via " + Ipv4.format(dhcp.router())
                    + " from DHCP server " + Ipv4.format(dhcp.server()) + ", " + dhcp.leaseSeconds() + " s lease, "
                    + dhcp.renewals() + " renewal(s), " + dhcp.rebinds() + " rebind(s), " + dhcp.losses() + " lost";
        }
        String dns = mailServerName == null ? null
                : mailServerName + " = " + (lan.mailServer() == 0 ? "not resolved yet" : Ipv4.format(lan.mailServer()));
        String clock = wall.known()
                ? "network time (SNTP), offset " + wall.offsetMillis() + " ms from the board's clock, " + wall.syncs()
                        + " sync(s)"
                : networkTime ? "the board's own clock (not set from the network yet)"
                : "the board's own clock (network time is off: [time] ntp = off)";
        model.networkState(dhcp == null ? "static" : "dhcp", lease, dns, clock);
    }

    @Override
    public int doWork(long now, boolean chipUp) {
        Runnable task = loopTask;
        if (task != null) {
            task.run();
        }
        if (lan != null) {
            publishLanState();
        }
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
