package dev.w5100alert.board.config;

import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole, validated configuration of one board. Immutable; built once by {@link ConfigParser}
 * and never changed at run time (runtime state lives elsewhere).
 */
public record BoardConfig(
        Network network,
        Hardware hardware,
        Smtp smtp,
        OutboxSettings outbox,
        Time time,
        List<Sensor> sensors,
        List<String> warnings,
        Status status,
        Heartbeat heartbeat) {

    /** A configuration without the status page, without heartbeat mail and without network time (all off). */
    public BoardConfig(Network network, Hardware hardware, Smtp smtp, OutboxSettings outbox, List<Sensor> sensors,
                       List<String> warnings) {
        this(network, hardware, smtp, outbox, Time.OFF, sensors, warnings, Status.OFF, Heartbeat.OFF);
    }

    /**
     * {@code [status]}: the read-only status page, JSON and Prometheus metrics served by the W5100 itself on
     * {@code port} of the board's own address, on a hardware socket of its own; 0 = off (the default).
     */
    public record Status(int port) {
        public static final Status OFF = new Status(0);

        public boolean enabled() {
            return port > 0;
        }
    }

    /**
     * {@code [heartbeat]}: an "alive" mail every {@code every} (null = off, the default), first at {@code at}
     * in the board's time zone, queued through the outbox like an alert.
     */
    public record Heartbeat(Duration every, java.time.LocalTime at) {
        public static final Heartbeat OFF = new Heartbeat(null, java.time.LocalTime.of(8, 0));

        public boolean enabled() {
            return every != null;
        }
    }

    /** How the board gets its address: from a DHCP server, or the static {@code ip}/{@code subnet}/{@code gateway}. */
    public enum AddressMode { DHCP, STATIC }

    /**
     * Addresses of the board on its LAN, written into the W5100's common registers.
     *
     * @param ip           the static address; null in DHCP mode without a fallback
     * @param mode         {@code [network] mode}
     * @param dhcpFallback in DHCP mode: use the static keys when no lease came within this long; null: never
     * @param dns          {@code [network] dns}: DNS servers (IPv4, at most 3); empty: the lease's (DHCP mode)
     */
    public record Network(byte[] mac, byte[] ip, byte[] subnet, byte[] gateway, AddressMode mode,
                          Duration dhcpFallback, List<byte[]> dns) {
        /** A static address, no DNS servers (the shape before DHCP). */
        public Network(byte[] mac, byte[] ip, byte[] subnet, byte[] gateway) {
            this(mac, ip, subnet, gateway, AddressMode.STATIC, null, List.of());
        }

        public boolean dhcp() {
            return mode == AddressMode.DHCP;
        }

        /** The static address, or "(from DHCP)" / "(from DHCP, fallback ...)" in DHCP mode. */
        public String ipText() {
            if (!dhcp()) {
                return Ipv4.format(ip);
            }
            return ip == null ? "(address from DHCP)" : "(address from DHCP, fallback " + Ipv4.format(ip) + ")";
        }
    }

    /** Where network time comes from: the lease's NTP servers (option 42), the named servers, or nowhere. */
    public enum NtpMode { FROM_DHCP, SERVERS, OFF }

    /**
     * {@code [time]}: network time for the Date header (and certificate checks).
     *
     * @param servers     with {@link NtpMode#SERVERS}: names or IPv4 literals (at most 4)
     * @param waitForTime how long mail waits for network time before it goes with the board's own clock
     */
    public record Time(NtpMode ntp, List<String> servers, Duration waitForTime) {
        /** No network time (static mode without a {@code [time]} section). */
        public static final Time OFF = new Time(NtpMode.OFF, List.of(), Duration.ZERO);
    }

    /**
     * Where the chip sits on the Pi: SPI bus/chip select/clock, the BCM pins wired to /RESET and /INT (-1: not
     * wired), and which SPI binding talks to it.
     */
    public record Hardware(int spiBus, int spiChipSelect, int spiClockHz, int resetPin, int intPin, SpiDriver spiDriver) {
        /** Without /INT, on the default binding. */
        public Hardware(int spiBus, int spiChipSelect, int spiClockHz, int resetPin) {
            this(spiBus, spiChipSelect, spiClockHz, resetPin, -1, SpiDriver.SPIDEV);
        }
    }

    /**
     * {@code hardware.spi-driver}: {@code spidev} batches a transfer's frames into one
     * {@code SPI_IOC_MESSAGE} ioctl; {@code pi4j} makes one Pi4J call per frame (the fallback).
     */
    public enum SpiDriver { SPIDEV, PI4J }

    /**
     * The mail server and the envelope. The password is held here only in memory; {@link #toString()}
     * never shows it.
     */
    /** SASL mechanism: AUTO takes PLAIN when the server offers it, else LOGIN. */
    public enum Auth { AUTO, LOGIN, PLAIN }

    /**
     * @param timeout  the {@code timeout} key (60 s when not set): the probes of {@code diagnose} wait this long
     * @param timeouts what the SMTP engine waits at each stage: the {@code timeout-*} keys, else {@code timeout}
     *                 when set, else RFC 5321's values
     */
    /**
     * @param server     the mail server's IPv4 address when {@code server} is a literal; null when it is a name
     * @param serverHost the {@code server} value as written: a host name (looked up by DNS) or an IPv4 literal
     */
    public record Smtp(byte[] server, String serverHost, int port, String heloName, String sender, List<String> recipients,
                       String username, String password, boolean allowPlaintextAuth, Auth auth, Duration timeout,
                       SmtpTimeouts timeouts, TlsSettings tls) {

        /** An IPv4 server without TLS settings: the defaults for {@code port} (JDK trust store, name from the server). */
        public Smtp(byte[] server, int port, String heloName, String sender, List<String> recipients,
                    String username, String password, boolean allowPlaintextAuth, Auth auth, Duration timeout,
                    SmtpTimeouts timeouts) {
            this(server, server == null ? null : Ipv4.format(server), port, heloName, sender, recipients, username,
                    password, allowPlaintextAuth, auth, timeout, timeouts, TlsSettings.defaultsFor(port));
        }

        public boolean hasCredentials() {
            return username != null;
        }

        /** The server as configured: its name, or its address. */
        public String serverText() {
            return serverHost;
        }

        /** True when {@code server} is a host name, which the board looks up by DNS. */
        public boolean serverIsName() {
            return server == null;
        }

        @Override
        public String toString() {
            return "Smtp[server=" + serverText() + ":" + port + ", sender=" + sender + ", recipients=" + recipients
                    + ", username=" + username + ", password=" + (password == null ? "none" : "(redacted)")
                    + ", allowPlaintextAuth=" + allowPlaintextAuth + ", auth=" + auth + ", tls=" + tls + "]";
        }
    }

    /** {@code smtp.tls}: how the connection is secured. */
    public enum TlsMode {
        /** Plain connect, then STARTTLS (RFC 3207) before anything else; refused when the server does not offer it. */
        STARTTLS,
        /** TLS from the first byte (RFC 8314, port 465). */
        IMPLICIT,
        /** No TLS at all: an explicit opt-out. */
        NONE;

        /** The default of {@code smtp.tls}: implicit on port 465, STARTTLS everywhere else. */
        public static TlsMode defaultFor(int port) {
            return port == 465 ? IMPLICIT : STARTTLS;
        }

        /** The value as written in the configuration file. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The {@code [smtp]} TLS keys, validated.
     *
     * @param mode         {@code smtp.tls}
     * @param caFile       {@code smtp.ca-file}, or null for the JDK's default trust store
     * @param trustAnchors the certificates of {@code ca-file} loaded into a key store, or null with no ca-file
     * @param caSubjects   the subjects of those certificates (for {@code config check} and {@code diagnose})
     * @param serverName   {@code smtp.tls-server-name} as written, or null when not given (see
     *                     {@link #expectedName(String)})
     */
    public record TlsSettings(TlsMode mode, Path caFile, java.security.KeyStore trustAnchors, List<String> caSubjects,
                              String serverName) {

        public static TlsSettings defaultsFor(int port) {
            return new TlsSettings(TlsMode.defaultFor(port), null, null, List.of(), null);
        }

        /**
         * The name the server's certificate must carry (also sent as SNI), given {@code smtp.server} as written:
         * {@code tls-server-name} when set, else the server itself when it is a host name; null when the server
         * is an IPv4 literal and no name is given, in which case the certificate must carry that IP address.
         */
        public String expectedName(String serverText) {
            if (serverName != null) {
                return serverName;
            }
            return Ipv4.parse(serverText) == null ? serverText : null;
        }

        @Override
        public String toString() {
            return mode.configName() + (caFile != null ? ", ca-file=" + caFile : "")
                    + (serverName != null ? ", tls-server-name=" + serverName : "");
        }
    }

    /** The durable outbox: directory, hard bound on pending alerts, retry schedule. */
    public record OutboxSettings(Path directory, int capacity, Duration retryInitial, Duration retryMax,
                                 Duration giveUpAfter) { }

    /** Electrical side of a sensor. */
    public enum Pull { UP, DOWN, OFF }

    /** One GPIO input and the rule that turns its changes into mail. */
    public record Sensor(String name, int pin, Pull pull, boolean activeHigh, Duration debounce,
                         String activeName, String inactiveName, AlertRule rule) { }

    /**
     * How a sensor's changes become alerts.
     *
     * @param minInterval at most one mail per sensor per this interval
     * @param coalesce    if true, changes inside the quiet period are summarised in one mail at its
     *                    end; if false they are only counted in the log
     * @param csvEvents   how many recent events go into a CSV attachment (0: no attachment)
     */
    public record AlertRule(String subjectTemplate, String bodyTemplate, List<String> recipients,
                            Duration minInterval, boolean coalesce, int csvEvents) { }
}
