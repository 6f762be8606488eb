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
import dev.w5100alert.firmware.net.W5100TcpLink;
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
        long bootNonce = new SecureRandom().nextLong();
        long connectNanos = smtp.timeouts().connect() * 1_000_000L;
        this.transport = new EngineTransport(
                () -> new SmtpEngine(new W5100TcpLink(driver, connectNanos, 2_000_000_000L), clock, smtp, transcript, bootNonce),
                config.smtp().sender());
        BoardConfig.OutboxSettings o = config.outbox();
        this.outbox = Outbox.open(outboxDir, o.capacity(),
                new Backoff(o.retryInitial().toNanos(), o.retryMax().toNanos(), retrySeed), o.giveUpAfter().toMillis(), log);
        this.outbox.messageIdDomain(config.smtp().sender().substring(config.smtp().sender().lastIndexOf('@') + 1));
        this.events = events;
        this.clock = clock;
        events.wakeUp(clock::wake); // a sensor edge ends the loop's park at once
        this.agent = new AlertAgent(config.sensors(), events, levels, initial, outbox, transport, chip, clock, log,
                healthCheckNanos);
        this.status = new dev.w5100alert.board.status.BoardStatus(config, initial, driver, outbox, clock,
                java.time.ZoneId.systemDefault(), log);
        agent.hooks(status);
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

    public static NetworkConfig networkConfig(BoardConfig.Network n) {
        long mac = 0;
        for (byte b : n.mac()) {
            mac = (mac << 8) | (b & 0xFF);
        }
        return NetworkConfig.of(mac, Ipv4.toInt(n.ip()), Ipv4.toInt(n.subnet()), Ipv4.toInt(n.gateway()));
    }

    public static SmtpConfig smtpConfig(BoardConfig c) {
        BoardConfig.Smtp s = c.smtp();
        SmtpTimeouts timeouts = s.timeouts(); // per stage, from the [smtp] timeout keys
        String helo = s.heloName() != null ? s.heloName() : "[" + c.network().ipText() + "]";
        SmtpConfig.Builder b = SmtpConfig.builder()
                .server(Ipv4.toInt(s.server()), s.port())
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
        return TlsPolicy.of(mode, t.trustAnchors(), t.expectedName(s.serverText()), Ipv4.toInt(s.server()));
    }
}
