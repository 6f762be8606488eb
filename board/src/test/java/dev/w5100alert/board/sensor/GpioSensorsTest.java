package dev.w5100alert.board.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.pi4j.context.Context;
import com.pi4j.context.ContextProperties;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.hal.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The Pi4J seam, with Mockito: how inputs are configured and how edges reach the queue. */
class GpioSensorsTest {

    static BoardConfig.Sensor sensor(String name, int pin, BoardConfig.Pull pull, boolean activeHigh) {
        return new BoardConfig.Sensor(name, pin, pull, activeHigh, Duration.ofMillis(50), "on", "off",
                new BoardConfig.AlertRule("s", "b", List.of("a@b.org"), Duration.ZERO, true, 0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void inputsAreConfiguredFromTheFileAndEdgesAreQueuedAsActiveOrNot() {
        Context pi4j = mock(Context.class);
        ContextProperties props = mock(ContextProperties.class);
        when(props.all()).thenReturn(java.util.Map.of());
        when(pi4j.properties()).thenReturn(props);
        DigitalInput door = mock(DigitalInput.class);
        DigitalInput water = mock(DigitalInput.class);
        ArgumentCaptor<DigitalInputConfig> configs = ArgumentCaptor.forClass(DigitalInputConfig.class);
        when(pi4j.create(configs.capture())).thenReturn(door, water);
        SensorEventQueue queue = new SensorEventQueue(8);

        GpioSensors g = GpioSensors.open(pi4j, "linuxfs-digital-input",
                List.of(sensor("door", 17, BoardConfig.Pull.UP, false), sensor("water", 27, BoardConfig.Pull.DOWN, true)),
                queue, Clock.SYSTEM);

        DigitalInputConfig doorCfg = configs.getAllValues().get(0);
        assertEquals(17, doorCfg.address());
        assertEquals(PullResistance.PULL_UP, doorCfg.pull());
        assertEquals("linuxfs-digital-input", doorCfg.provider());
        assertEquals(0L, doorCfg.debounce(), "debouncing is the loop's job");
        assertEquals(PullResistance.PULL_DOWN, configs.getAllValues().get(1).pull());

        ArgumentCaptor<DigitalStateChangeListener> doorListener = ArgumentCaptor.forClass(DigitalStateChangeListener.class);
        verify(door).addListener(doorListener.capture());
        ArgumentCaptor<DigitalStateChangeListener> waterListener = ArgumentCaptor.forClass(DigitalStateChangeListener.class);
        verify(water).addListener(waterListener.capture());

        doorListener.getValue().onDigitalStateChange(new DigitalStateChangeEvent<>(door, DigitalState.LOW));
        waterListener.getValue().onDigitalStateChange(new DigitalStateChangeEvent<>(water, DigitalState.LOW));
        List<String> seen = new ArrayList<>();
        assertEquals(2, queue.drain((s, active, ms, ns) -> seen.add(s + "=" + active)));
        assertEquals(List.of("0=true", "1=false"), seen, "door is active-low, water active-high");

        when(door.state()).thenReturn(DigitalState.HIGH);
        when(water.state()).thenReturn(DigitalState.HIGH);
        assertFalse(g.active(0));
        assertTrue(g.active(1));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheCallbackThread() {
        SensorEventQueue q = new SensorEventQueue(2);
        assertTrue(q.offer(0, true, 1, 1));
        assertTrue(q.offer(0, false, 2, 2));
        assertFalse(q.offer(0, true, 3, 3));
        assertEquals(1, q.dropped());
        assertEquals(2, q.drain((s, a, m, n) -> { }));
        assertTrue(q.offer(0, true, 4, 4), "room again after draining");
    }
}
