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
        List<Sensor> sensors,
        List<String> warnings) {

    /** Addresses of the board on its LAN, written into the W5100's common registers. */
    public record Network(byte[] mac, byte[] ip, byte[] subnet, byte[] gateway) {
        public String ipText() {
            return Ipv4.format(ip);
        }
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
    public record Smtp(byte[] server, int port, String heloName, String sender, List<String> recipients,
                       String username, String password, boolean allowPlaintextAuth, Auth auth, Duration timeout,
                       SmtpTimeouts timeouts) {
        public boolean hasCredentials() {
            return username != null;
        }

        public String serverText() {
            return Ipv4.format(server);
        }

        @Override
        public String toString() {
            return "Smtp[server=" + serverText() + ":" + port + ", sender=" + sender + ", recipients=" + recipients
                    + ", username=" + username + ", password=" + (password == null ? "none" : "(redacted)")
                    + ", allowPlaintextAuth=" + allowPlaintextAuth + ", auth=" + auth + "]";
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
