package dev.w5100alert.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import dev.w5100alert.hal.InterruptLine;
import dev.w5100alert.hal.SpiException;

/**
 * {@link InterruptLine} on a Pi4J {@link DigitalInput} wired to the W5100's active-low /INT (pull-up on, so
 * an unplugged wire reads "no interrupt"). Pi4J's listener thread reports each fall to the registered
 * wake-up; {@link #asserted()} reads the pin.
 */
public final class Pi4jInterruptLine implements InterruptLine, AutoCloseable {

    /** Linux GPIO provider id in Pi4J 3.0.3. */
    public static final String PROVIDER = "linuxfs-digital-input";

    private final DigitalInput pin;
    private final DigitalStateChangeListener listener;
    private volatile Runnable wakeUp;

    public Pi4jInterruptLine(DigitalInput pin) {
        if (pin == null) {
            throw new IllegalArgumentException("pin is required");
        }
        this.pin = pin;
        this.listener = event -> {
            Runnable w = wakeUp;
            if (event.state() == DigitalState.LOW && w != null) {
                w.run();
            }
        };
        pin.addListener(listener);
    }

    /** Creates the input on BCM pin {@code bcm} with the pull-up on (no debounce: /INT is a clean logic output). */
    public static Pi4jInterruptLine open(Context pi4j, int bcm) {
        if (bcm < 0) {
            throw new IllegalArgumentException("BCM pin must be >= 0: " + bcm);
        }
        DigitalInput in = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id("w5100-int")
                .name("W5100 /INT")
                .address(bcm)
                .pull(PullResistance.PULL_UP)
                .debounce(0L)
                .provider(PROVIDER)
                .build());
        return new Pi4jInterruptLine(in);
    }

    @Override
    public boolean asserted() {
        try {
            return pin.state() == DigitalState.LOW;
        } catch (RuntimeException e) {
            throw new SpiException("W5100 /INT line failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean wakesAsynchronously() {
        return true;
    }

    @Override
    public void onAssert(Runnable wake) {
        this.wakeUp = wake;
    }

    @Override
    public void close() {
        pin.removeListener(listener);
    }
}
