package dev.w5100alert.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import dev.w5100alert.hal.BackoffIdleStrategy;
import dev.w5100alert.hal.IdleSettings;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The /INT binding against a mocked Pi4J digital input (the hardware seam). */
class Pi4jInterruptLineTest {

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static DigitalStateChangeListener listenerOf(DigitalInput pin) {
        ArgumentCaptor<DigitalStateChangeListener> c = ArgumentCaptor.forClass(DigitalStateChangeListener.class);
        verify(pin).addListener(c.capture());
        return c.getValue();
    }

    @SuppressWarnings("unchecked")
    private static DigitalStateChangeEvent event(DigitalInput pin, DigitalState state) {
        return new DigitalStateChangeEvent(pin, state);
    }

    @Test
    void aFallingEdgeCallsTheWakeUpAndARisingOneDoesNot() {
        DigitalInput pin = mock(DigitalInput.class);
        Pi4jInterruptLine line = new Pi4jInterruptLine(pin);
        AtomicInteger wakes = new AtomicInteger();
        line.onAssert(wakes::incrementAndGet);
        DigitalStateChangeListener l = listenerOf(pin);
        l.onDigitalStateChange(event(pin, DigitalState.HIGH));
        assertEquals(0, wakes.get());
        l.onDigitalStateChange(event(pin, DigitalState.LOW));
        assertEquals(1, wakes.get());
        assertTrue(line.wakesAsynchronously());
    }

    @Test
    void theLevelIsThePinActiveLow() {
        DigitalInput pin = mock(DigitalInput.class);
        when(pin.state()).thenReturn(DigitalState.HIGH, DigitalState.LOW);
        Pi4jInterruptLine line = new Pi4jInterruptLine(pin);
        assertFalse(line.asserted());
        assertTrue(line.asserted());
    }

    @Test
    void theEdgeEndsTheLoopsParkThroughTheStrategy() {
        DigitalInput pin = mock(DigitalInput.class);
        when(pin.state()).thenReturn(DigitalState.HIGH);
        Pi4jInterruptLine line = new Pi4jInterruptLine(pin);
        BackoffIdleStrategy idle = new BackoffIdleStrategy(IdleSettings.DEFAULT, BackoffIdleStrategy.SYSTEM);
        idle.interruptLine(line);
        listenerOf(pin).onDigitalStateChange(event(pin, DigitalState.LOW));
        idle.idle(); // returns at once: the wake-up came first
        assertEquals(1, idle.wakeUps());
        assertEquals(0, idle.parks());
    }

    @Test
    void closeRemovesTheListener() {
        DigitalInput pin = mock(DigitalInput.class);
        Pi4jInterruptLine line = new Pi4jInterruptLine(pin);
        line.close();
        verify(pin).removeListener(any(DigitalStateChangeListener.class));
    }
}
