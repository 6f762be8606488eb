package dev.w5100alert.board.sensor;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.hal.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The sensors as Pi4J digital inputs (linuxfs on the Pi, the mock provider in the demo). The
 * state-change callback runs on a Pi4J thread and does one thing: put the edge into the preallocated
 * {@link SensorEventQueue}. Debouncing happens in the firmware loop (Pi4J's own debounce is set to 0 so
 * that behaviour does not depend on the provider).
 */
public final class GpioSensors implements SensorLevels, AutoCloseable {

    private final Context pi4j;
    private final List<BoardConfig.Sensor> sensors;
    private final List<DigitalInput> inputs = new ArrayList<>();

    private GpioSensors(Context pi4j, List<BoardConfig.Sensor> sensors) {
        this.pi4j = pi4j;
        this.sensors = sensors;
    }

    /** Creates one input per sensor on {@code provider} (e.g. "linuxfs-digital-input", "mock-digital-input"). */
    public static GpioSensors open(Context pi4j, String provider, List<BoardConfig.Sensor> sensors,
                                   SensorEventQueue queue, Clock clock) {
        GpioSensors g = new GpioSensors(pi4j, sensors);
        for (int i = 0; i < sensors.size(); i++) {
            BoardConfig.Sensor s = sensors.get(i);
            DigitalInput in = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                    .id("sensor-" + s.name())
                    .name(s.name())
                    .address(s.pin())
                    .pull(switch (s.pull()) {
                        case UP -> PullResistance.PULL_UP;
                        case DOWN -> PullResistance.PULL_DOWN;
                        case OFF -> PullResistance.OFF;
                    })
                    .debounce(0L)
                    .provider(provider)
                    .build());
            final int index = i;
            final boolean activeHigh = s.activeHigh();
            in.addListener(e -> queue.offer(index, (e.state() == DigitalState.HIGH) == activeHigh,
                    clock.epochMillis(), clock.nanoTime()));
            g.inputs.add(in);
        }
        return g;
    }

    @Override
    public boolean active(int sensor) {
        return (inputs.get(sensor).state() == DigitalState.HIGH) == sensors.get(sensor).activeHigh();
    }

    /** Every sensor's level now. */
    public boolean[] levels() {
        boolean[] out = new boolean[inputs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = active(i);
        }
        return out;
    }

    public DigitalInput input(int sensor) {
        return inputs.get(sensor);
    }

    @Override
    public void close() {
        for (DigitalInput in : inputs) {
            try {
                pi4j.shutdown(in.id());
            } catch (RuntimeException ignored) {
                // context shutdown closes it anyway
            }
        }
    }
}
