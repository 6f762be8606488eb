package dev.w5100alert.board.stack;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.loop.AlertAgent;
import dev.w5100alert.board.mail.EngineTransport;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.board.sensor.SensorLevels;
import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.net.W5100UdpLink;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.firmware.smtp.AuthMechanism;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.smtp.SmtpTranscript;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.W5100Driver;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Wires one board from its configuration: driver over the given {@link SpiBus} and {@link ResetLine}
 * (Pi4J on the Pi, the simulator in the demo and tests), SMTP engine over a W5100 TCP socket, durable
 * outbox, and the firmware loop. The same code runs on the Pi and on the simulator: only the bus, the
 * reset line and where sensor events come from differ.
 */
public final class BoardStack implements AutoCloseable {

    /** How often the loop probes the chip when nothing else made it look. */
    public static final long HEALTH_CHECK_NANOS = 5_000_000_000L;

    public final BoardConfig config;
    public final W5100Driver driver;
    public final NetworkConfig network;
    public final DriverChip chip;
    public final SmtpConfig smtp;
    public final EngineTransport transport;
    public final Outbox outbox;
    public final SensorEventQueue events;
    public final AlertAgent agent;
    /** The wall clock Date headers (and certificate checks) read: the board's clock plus the offset SNTP learnt. */
    public final NetworkClock wallClock;
    /** DHCP (or the static address), the DNS lookups and network time, stepped by the loop. */
    public final LanAgent lan;

    /** Network time is re-synchronised this often. */
    public static final long NTP_RESYNC_NANOS = 3_600_000_000_000L;
    /** Status model, status page server and heartbeat, stepped by the agent. */
    public final dev.w5100alert.board.status.BoardStatus status;
    private final Clock clock;
    private boolean lineWired;

    private BoardStack(BoardConfig config, SpiBus bus, ResetLine reset, Clock clock, Log log,
                       SmtpTranscript transcript, Path outboxDir, SensorLevels levels, boolean[] initial,
                       long retrySeed, SensorEventQueue events, long healthCheckNanos) throws IOException {
        this.config = config;
        this.driver = new W5100Driver(bus, reset, clock);
        this.network = networkConfig(config.network());
        this.chip = new DriverChip(driver, network);
        this.smtp = smtpConfig(config);
        // A caller that stamps sensor events itself (GPIO callbacks) passes the NetworkClock it gave them.
        this.wallClock = clock instanceof NetworkClock nc ? nc : new NetworkClock(clock);
        this.lan = lanAgent(config, driver, wallClock, log);
        long bootNonce = new SecureRandom().nextLong();
        long connectNanos = smtp.timeouts().connect() * 1_000_000L;
        this.transport = new EngineTransport(
                () -> new SmtpEngine(new ResolvedTcpLink(new W5100TcpLink(driver, connectNanos, 2_000_000_000L), lan),
                        wallClock, heloNow(config), transcript, bootNonce),
                config.smtp().sender());
        BoardConfig.OutboxSettings o = config.outbox();
        this.outbox = Outbox.open(dev.w5100alert.board.outbox.OutboxFiles.system(), outboxDir, o.capacity(),
                new Backoff(o.retryInitial().toNanos(), o.retryMax().toNanos(), retrySeed), o.giveUpAfter().toMillis(), log,
                wallClock::epochMillis); // Date headers from network time
        this.outbox.messageIdDomain(config.smtp().sender().substring(config.smtp().sender().lastIndexOf('@') + 1));
        this.events = events;
        this.clock = wallClock;
        events.wakeUp(wallClock::wake); // a sensor edge ends the loop's park at once
        this.agent = new AlertAgent(config.sensors(), events, levels, initial, outbox, transport, chip, wallClock, log,
                healthCheckNanos);
        this.agent.lan(lan, config.time().waitForTime().toNanos());
        this.status = new dev.w5100alert.board.status.BoardStatus(config, initial, driver, outbox, wallClock,
                java.time.ZoneId.systemDefault(), log);
        agent.hooks(status);
        status.lan(lan, config.smtp().serverIsName() ? config.smtp().serverHost() : null,
                config.time().ntp() != BoardConfig.NtpMode.OFF);
    }

    /**
     * The LAN jobs for this configuration: a DHCP client on its own UDP socket in DHCP mode (with the static keys
     * as fallback when {@code dhcp-fallback} is set), the lookups and SNTP sharing a second one. Lease changes
     * are logged.
     */
    static LanAgent lanAgent(BoardConfig config, W5100Driver driver, NetworkClock wall, Log log) {
        BoardConfig.Network n = config.network();
        RandomSource random = RandomSource.secure();
        DhcpClient dhcp = null;
        if (n.dhcp()) {
            dhcp = new DhcpClient(new W5100UdpLink(driver), driver::setAddress, random, mac(n), "w5100-alert");
            dhcp.listener((event, c) -> logLease(log, event, c));
        }
        int[] dns = new int[n.dns().size()];
        for (int i = 0; i < dns.length; i++) {
            dns[i] = Ipv4.toInt(n.dns().get(i));
        }
        BoardConfig.Time t = config.time();
        CharSequence[] ntp = t.ntp() == BoardConfig.NtpMode.SERVERS ? t.servers().toArray(new CharSequence[0])
                : new CharSequence[0];
        LanAgent lan = new LanAgent(dhcp, new W5100UdpLink(driver), wall, random, dns, ntp,
                t.ntp() == BoardConfig.NtpMode.FROM_DHCP, NTP_RESYNC_NANOS, config.smtp().serverHost());
        if (n.dhcp() && n.dhcpFallback() != null) {
            lan.staticFallback(driver::setAddress, Ipv4.toInt(n.ip()), Ipv4.toInt(n.subnet()), Ipv4.toInt(n.gateway()),
                    n.dhcpFallback().toNanos());
        }
        return lan;
    }

    private static void logLease(Log log, DhcpClient.Event event, DhcpClient c) {
        String lease = dev.w5100alert.hal.Ipv4.format(c.address()) + " mask " + dev.w5100alert.hal.Ipv4.format(c.subnet())
                + " router " + dev.w5100alert.hal.Ipv4.format(c.router()) + " from "
                + dev.w5100alert.hal.Ipv4.format(c.server()) + ", " + c.leaseSeconds() + " s";
        switch (event) {
            case BOUND -> log.info("lan", "DHCP lease obtained: " + lease);
            case RENEWED -> log.info("lan", "DHCP lease renewed: " + lease);
            case REBOUND -> log.warn("lan", "DHCP lease rebound (its server did not answer the renewal): " + lease);
            case LOST -> log.warn("lan", "DHCP lease lost (expired without renewal); address dropped, asking again");
            case NAK -> log.warn("lan", "DHCP server refused the lease (NAK); address dropped, asking again");
            case DECLINED -> log.warn("lan", "DHCP offered an address another station uses; declined it");
        }
    }

    /** The SMTP settings with the EHLO name of now: in DHCP mode without {@code helo}, the leased address. */
    private SmtpConfig heloNow(BoardConfig config) {
        if (config.smtp().heloName() != null || !config.network().dhcp() || lan.dhcp() == null || !lan.dhcp().bound()) {
            return smtp;
        }
        return smtpConfig(config, "[" + dev.w5100alert.hal.Ipv4.format(lan.dhcp().address()) + "]");
    }

    /**
     * Builds the stack; does not touch the chip yet (call {@link #bringUp()}).
     *
     * @param outboxDir where the outbox lives (normally {@code config.outbox().directory()})
     * @param levels    reads a sensor's current level (used after dropped GPIO events)
     * @param initial   each sensor's level at start
     * @param events    the queue the GPIO callbacks fill
     */
    public static BoardStack create(BoardConfig config, SpiBus bus, ResetLine reset, Clock clock, Log log,
                                    SmtpTranscript transcript, Path outboxDir, SensorLevels levels,
                                    boolean[] initial, SensorEventQueue events) throws IOException {
        return create(config, bus, reset, clock, log, transcript, outboxDir, levels, initial, events,
                HEALTH_CHECK_NANOS, new SecureRandom().nextLong());
    }

    /** As above, with the chip probe interval and the retry-jitter seed chosen by the caller (tests). */
    public static BoardStack create(BoardConfig config, SpiBus bus, ResetLine reset, Clock clock, Log log,
                                    SmtpTranscript transcript, Path outboxDir, SensorLevels levels,
                                    boolean[] initial, SensorEventQueue events, long healthCheckNanos,
                                    long retrySeed) throws IOException {
        return new BoardStack(config, bus, reset, clock, log, transcript, outboxDir, levels, initial, retrySeed,
                events, healthCheckNanos);
    }

    /**
     * For the command-line tools (send-test, diagnose), which run no service loop: steps the LAN jobs until mail
     * may go (address, server address, network time unless off or waited for {@code timeWaitNanos}) or
     * {@code maxNanos} passed, idling on {@code clock} in between. Returns whether mail may go.
     */
    public boolean awaitNetwork(Clock clock, long maxNanos, long timeWaitNanos) {
        long start = clock.nanoTime();
        long next = start;
        while (true) {
            long now = clock.nanoTime();
            if (now - next >= 0 || lan.waitingForReply()) {
                next = lan.doWork(now);
            }
            if (lan.mailMayGo(now, start, timeWaitNanos)) {
                return true;
            }
            if (now - start >= maxNanos) {
                return false;
            }
            clock.idle();
        }
    }

    /** The board's address now: the lease, the static (or fallback) address, or 0 while it has none. */
    public int address() {
        if (lan.dhcp() != null && !lan.fellBack()) {
            return lan.dhcp().bound() ? lan.dhcp().address() : 0;
        }
        return config.network().ip() == null ? 0 : Ipv4.toInt(config.network().ip());
    }

    /**
     * Wires the chip's /INT line ({@code hardware.int-pin}): the driver enables IMR for the sockets in
     * use and the loop's wait parks until the line falls or the next deadline. Call before
     * {@link #bringUp()}; {@link InterruptLine#NOT_WIRED} keeps polling.
     */
    public void interruptLine(InterruptLine line) {
        driver.interruptsWired(line.wired());
        clock.waitOn(line);
        lineWired = line.wired();
    }

    /** The loop's clock and wait (wake it, bound a wait by a deadline). */
    public Clock clock() {
        return clock;
    }

    /** Resets and configures the chip; throws the driver's diagnosis when no W5100 answers. */
    public void bringUp() {
        driver.bringUp(network);
    }

    @Override
    public void close() throws IOException {
        if (lineWired) {
            clock.waitOn(InterruptLine.NOT_WIRED); // the clock may outlive this board (a shared SystemClock)
            lineWired = false;
        }
        outbox.close();
    }

    /**
     * The longest one send can take with these timeouts before the engine itself gives up: every stage's
     * deadline once (RCPT once per recipient, AUTH for its up to three steps, the data-block deadline for each
     * of {@code messageChunks} pieces). A caller waiting for an outcome waits at least this long.
     */
    public static long worstCaseSendNanos(SmtpTimeouts t, int recipients, int messageChunks) {
        long ms = t.connect() + t.greeting() + t.hello() * 2 + t.auth() * 3 + t.mail() + t.rcpt() * recipients
                + t.dataStart() + t.dataBlock() * messageChunks + t.dataEnd() + t.quit();
        return ms * 1_000_000L;
    }

    /**
     * What bring-up writes into the chip: the static address, or in DHCP mode a link-local placeholder
     * (169.254.0.0/16, from the MAC) that the DHCP client replaces at once with 0.0.0.0 (it broadcasts until it
     * has a lease) and then with the lease.
     */
    public static NetworkConfig networkConfig(BoardConfig.Network n) {
        if (n.dhcp()) {
            byte[] m = n.mac();
            int linkLocal = dev.w5100alert.hal.Ipv4.of(169, 254, 1 + (m[4] & 0xFF) % 254, 1 + (m[5] & 0xFF) % 254);
            return NetworkConfig.of(mac(n), linkLocal, dev.w5100alert.hal.Ipv4.of(255, 255, 0, 0), 0);
        }
        return NetworkConfig.of(mac(n), Ipv4.toInt(n.ip()), Ipv4.toInt(n.subnet()), Ipv4.toInt(n.gateway()));
    }

    static long mac(BoardConfig.Network n) {
        long mac = 0;
        for (byte b : n.mac()) {
            mac = (mac << 8) | (b & 0xFF);
        }
        return mac;
    }

    public static SmtpConfig smtpConfig(BoardConfig c) {
        BoardConfig.Network n = c.network();
        String helo = n.ip() != null ? "[" + Ipv4.format(n.ip()) + "]" : "[0.0.0.0]";
        return smtpConfig(c, helo);
    }

    /**
     * The engine's settings; {@code defaultHelo} when {@code helo} is not set. The server address in it is the
     * literal, or 0.0.0.0 for a name: the engine's link connects to what the lookup found instead.
     */
    static SmtpConfig smtpConfig(BoardConfig c, String defaultHelo) {
        BoardConfig.Smtp s = c.smtp();
        SmtpTimeouts timeouts = s.timeouts(); // per stage, from the [smtp] timeout keys
        String helo = s.heloName() != null ? s.heloName() : defaultHelo;
        SmtpConfig.Builder b = SmtpConfig.builder()
                .server(s.server() == null ? 0 : Ipv4.toInt(s.server()), s.port())
                .heloName(helo)
                .allowPlaintextAuth(s.allowPlaintextAuth())
                .authMechanism(switch (s.auth()) {
                    case AUTO -> AuthMechanism.AUTO;
                    case LOGIN -> AuthMechanism.LOGIN;
                    case PLAIN -> AuthMechanism.PLAIN;
                })
                .timeouts(timeouts)
                .limits(EngineTransport.LIMITS)
                .messageIdDomain(s.sender().substring(s.sender().indexOf('@') + 1));
        if (s.hasCredentials()) {
            b.credentials(s.username(), s.password());
        }
        b.tls(tlsPolicy(s));
        return b.build();
    }

    /**
     * The firmware's TLS policy from the [smtp] TLS keys: the mode, the ca-file's certificates (or the JDK's default
     * trust store) and the name the certificate must carry (tls-server-name, else a host-name server; with neither,
     * the server's IP address).
     */
    public static TlsPolicy tlsPolicy(BoardConfig.Smtp s) {
        return switch (s.tls().mode()) {
            case NONE -> TlsPolicy.NONE;
            case STARTTLS -> tlsPolicy(s, TlsMode.STARTTLS);
            case IMPLICIT -> tlsPolicy(s, TlsMode.IMPLICIT);
        };
    }

    /** The configured trust and name with another mode ({@code diagnose} tries what the port speaks). */
    public static TlsPolicy tlsPolicy(BoardConfig.Smtp s, TlsMode mode) {
        BoardConfig.TlsSettings t = s.tls();
        return TlsPolicy.of(mode, t.trustAnchors(), t.expectedName(s.serverText()),
                s.server() == null ? 0 : Ipv4.toInt(s.server())); // a name: the certificate must carry the name
    }
}
