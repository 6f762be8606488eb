package dev.w5100alert.board.stack;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.sensor.GpioSensors;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.firmware.smtp.SmtpTranscript;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The board without hardware: the unchanged {@link BoardStack} over {@code w5100-sim}, sensors on
 * Pi4J's mock GPIO provider. The simulator's virtual network makes the configured SMTP server
 * address and port (and the gateway, for an off-subnet server) lead to {@code realSmtpPort} on
 * 127.0.0.1, so the same configuration file as on the Pi reaches any SMTP server on this machine.
 */
public final class SimulatedBoard implements java.io.Closeable {

    public final W5100Simulator sim;
    public final Context pi4j;
    public final GpioSensors sensors;
    public final BoardStack stack;

    private final CountingResetLine reset;

    private SimulatedBoard(W5100Simulator sim, Context pi4j, GpioSensors sensors, BoardStack stack,
                           CountingResetLine reset) {
        this.reset = reset;
        this.sim = sim;
        this.pi4j = pi4j;
        this.sensors = sensors;
        this.stack = stack;
    }

    public static SimulatedBoard start(BoardConfig config, int realSmtpPort, Path outboxDir, Clock clock, Log log,
                                       SmtpTranscript transcript) throws IOException {
        return start(config, realSmtpPort, outboxDir, clock, log, transcript, BoardStack.HEALTH_CHECK_NANOS);
    }

    /** As above, probing the chip every {@code healthCheckNanos}. */
    public static SimulatedBoard start(BoardConfig config, int realSmtpPort, Path outboxDir, Clock clock, Log log,
                                       SmtpTranscript transcript, long healthCheckNanos) throws IOException {
        return start(config, realSmtpPort, outboxDir, clock, log, transcript, healthCheckNanos, 0);
    }

    /** The virtual LAN's router, DHCP and DNS server in DHCP mode (the static keys' gateway when given). */
    static final String LAN_ROUTER = "192.168.1.1";
    /** Where the virtual LAN puts a mail server known by name only. */
    static final String NAMED_SERVER = "192.168.1.10";
    static final String NTP_SERVER = "192.168.1.123";
    static final String LAN_DNS = "192.168.1.53";

    /**
     * As above, with the board's wall clock starting {@code boardClockOffsetSeconds} off the true time (a Pi
     * without RTC after a power cut); the virtual LAN's NTP server serves the true time (the host's).
     *
     * <p>The virtual LAN: the configured server address (a literal), or for a name a virtual address, leads to
     * {@code realSmtpPort} on 127.0.0.1. In DHCP mode a DHCP server leases 192.168.1.100-199 (router, DNS and NTP
     * server in the lease; DNS at 192.168.1.53). Wherever the board looks names up (the lease's DNS server, or {@code network.dns}),
     * a DNS server answers the mail server's name and the configured time servers' names, and an NTP server
     * answers at each time server's address.
     */
    public static SimulatedBoard start(BoardConfig config, int realSmtpPort, Path outboxDir, Clock clock, Log log,
                                       SmtpTranscript transcript, long healthCheckNanos, long boardClockOffsetSeconds)
            throws IOException {
        W5100Simulator sim = new W5100Simulator(virtualLan(config, realSmtpPort, clock), clock::nanoTime);
        Clock boardClock = boardClockOffsetSeconds == 0 ? clock : new OffsetClock(clock, boardClockOffsetSeconds * 1000L);
        // GPIO events, the loop and the outbox read the same wall clock, which network time corrects.
        clock = new dev.w5100alert.firmware.time.NetworkClock(boardClock);
        Context pi4j = Pi4J.newContextBuilder().noAutoDetect().add(MockDigitalInputProvider.newInstance()).build();
        GpioSensors sensors = null;
        try {
            SensorEventQueue stackEvents = new SensorEventQueue(256);
            sensors = GpioSensors.open(pi4j, MockDigitalInputProvider.ID, config.sensors(), stackEvents, clock);
            // Mock pins start LOW; a switch at rest reads its inactive level.
            for (int i = 0; i < config.sensors().size(); i++) {
                ((MockDigitalInput) sensors.input(i)).mockState(
                        config.sensors().get(i).activeHigh() ? DigitalState.LOW : DigitalState.HIGH);
            }
            stackEvents.drain((sensor, active, millis, nanos) -> { });
            final GpioSensors s = sensors;
            CountingResetLine reset = new CountingResetLine(sim);
            BoardStack stack = BoardStack.create(config, sim, reset, clock, log, transcript, outboxDir,
                    s::active, s.levels(), stackEvents, healthCheckNanos, 42);
            if (config.hardware().intPin() >= 0) {
                stack.interruptLine(new SimulatedInterruptLine(sim)); // hardware.int-pin: the model's /INT
            }
            return new SimulatedBoard(sim, pi4j, sensors, stack, reset);
        } catch (IOException | RuntimeException e) {
            if (sensors != null) {
                sensors.close();
            }
            pi4j.shutdown();
            sim.close();
            throw e;
        }
    }

    static VirtualNetwork virtualLan(BoardConfig config, int realSmtpPort, Clock trueClock) {
        BoardConfig.Network n = config.network();
        BoardConfig.Smtp smtp = config.smtp();
        String server = smtp.serverIsName() ? NAMED_SERVER : Ipv4.format(smtp.server());
        VirtualNetwork.Builder net = VirtualNetwork.builder().host(server).tcp(smtp.port(), realSmtpPort);
        String router = n.dhcp() || n.gateway() == null ? LAN_ROUTER : Ipv4.format(n.gateway());
        // The gateway is declared too, so a server outside the board's subnet is reached through it.
        net.gateway(router);
        List<String> timeServers = new ArrayList<>();
        BoardConfig.Time t = config.time();
        if (t.ntp() == BoardConfig.NtpMode.FROM_DHCP) {
            timeServers.add(NTP_SERVER);
        }
        Map<String, String> names = new LinkedHashMap<>();
        if (smtp.serverIsName()) {
            names.put(smtp.serverHost(), server);
        }
        if (t.ntp() == BoardConfig.NtpMode.SERVERS) {
            int next = 124;
            for (String s : t.servers()) {
                if (Ipv4.parse(s) != null) {
                    timeServers.add(s);
                } else {
                    String at = "192.168.1." + next++;
                    names.put(s, at);
                    timeServers.add(at);
                }
            }
        }
        List<String> dnsAt = new ArrayList<>();
        for (byte[] d : n.dns()) {
            dnsAt.add(Ipv4.format(d));
        }
        if (n.dhcp()) {
            String leaseDns = dnsAt.isEmpty() ? LAN_DNS : dnsAt.get(0);
            net.dhcpServer(LAN_ROUTER, d -> {
                d.pool("192.168.1.100", "192.168.1.199").routers(router).dnsServers(leaseDns);
                if (t.ntp() == BoardConfig.NtpMode.FROM_DHCP) {
                    d.ntpServers(NTP_SERVER);
                }
            });
            if (dnsAt.isEmpty()) {
                dnsAt.add(LAN_DNS);
            }
        }
        for (String at : dnsAt) {
            net.dnsServer(at, d -> names.forEach(d::a));
        }
        for (String at : timeServers) {
            net.ntpServer(at, s -> s.wallClock(trueClock::epochMillis));
        }
        return net.build();
    }

    /** The board's own wall clock: the true one off by a fixed amount. */
    static final class OffsetClock extends dev.w5100alert.hal.ForwardingClock {
        private final long offsetMillis;

        OffsetClock(Clock base, long offsetMillis) {
            super(base);
            this.offsetMillis = offsetMillis;
        }

        @Override
        public long epochMillis() {
            return base.epochMillis() + offsetMillis;
        }
    }

    /** The simulated chip's /RESET, wired like the Pi's reset pin; counts the pulses it was given. */
    static final class CountingResetLine implements ResetLine {
        private final W5100Simulator sim;
        private int pulses;

        CountingResetLine(W5100Simulator sim) {
            this.sim = sim;
        }

        @Override
        public void assertReset(boolean asserted) {
            if (asserted) {
                pulses++;
            }
            sim.setResetAsserted(asserted);
        }
    }

    /** The closing line of the simulated commands: {@code simulated chip: N SPI frames, M socket commands}. */
    public String chipSummary() {
        return "simulated chip: " + sim.counters().frames() + " SPI frames, " + sim.counters().commands()
                + " socket commands";
    }

    /** How many times the board pulled the chip's /RESET low (bring-up and every recovery). */
    public int resetPulses() {
        return reset.pulses;
    }

    /** Drives sensor {@code index}'s mock pin to its active (or inactive) level, as a switch would. */
    public void trip(int index, boolean active) {
        BoardConfig.Sensor s = stack.config.sensors().get(index);
        boolean high = active == s.activeHigh();
        ((MockDigitalInput) sensors.input(index)).mockState(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    private StatusBridge statusBridge;

    /**
     * Makes the status page (which must be on: {@code [status] port}) reachable on 127.0.0.1:{@code port}
     * (0: a free port); returns the bridge, whose {@link StatusBridge#port()} is the bound port.
     */
    public StatusBridge bridgeStatus(int port, Log log) throws IOException {
        if (!stack.config.status().enabled()) {
            throw new IllegalStateException("the status page is off ([status] port)");
        }
        if (statusBridge == null) {
            int chipPort = stack.config.status().port();
            StatusBridge bridge = StatusBridge.start(port, log);
            // The simulator is single-threaded: only the loop reads its listener, and publishes the port to the bridge.
            stack.status.loopTask(() -> bridge.publishChipListenPort(sim.realTcpListenPort(chipPort)));
            statusBridge = bridge;
        }
        return statusBridge;
    }

    @Override
    public void close() throws IOException {
        if (statusBridge != null) {
            statusBridge.close();
        }
        try {
            stack.close();
        } finally {
            sensors.close();
            pi4j.shutdown();
            sim.close();
        }
    }
}
