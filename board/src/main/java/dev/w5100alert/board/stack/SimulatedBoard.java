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
        String server = config.smtp().serverText();
        // The gateway is declared too, so a server outside the board's subnet is reached through it.
        VirtualNetwork.Builder net = VirtualNetwork.builder().host(server).tcp(config.smtp().port(), realSmtpPort)
                .gateway(Ipv4.format(config.network().gateway()));
        W5100Simulator sim = new W5100Simulator(net.build(), clock::nanoTime);
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
