package dev.w5100alert.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiException;

/**
 * {@link ResetLine} on a Pi4J {@link DigitalOutput} wired to the W5100's active-low /RESET: asserting
 * drives the pin low, releasing drives it high. The driver times the pulse; this class only moves
 * the pin.
 */
public final class Pi4jResetLine implements ResetLine {

    /** Linux sysfs GPIO provider id in Pi4J 3.0.3. */
    public static final String PROVIDER = "linuxfs-digital-output";

    private final DigitalOutput pin;

    public Pi4jResetLine(DigitalOutput pin) {
        if (pin == null) {
            throw new IllegalArgumentException("pin is required");
        }
        this.pin = pin;
    }

    /** Creates the output on BCM pin {@code bcm}, starting (and shutting down) released = high. */
    public static Pi4jResetLine open(Context pi4j, int bcm) {
        if (bcm < 0) {
            throw new IllegalArgumentException("BCM pin must be >= 0: " + bcm);
        }
        DigitalOutput out = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id("w5100-reset")
                .name("W5100 /RESET")
                .address(bcm)
                .initial(DigitalState.HIGH)
                .shutdown(DigitalState.HIGH)
                .provider(PROVIDER)
                .build());
        return new Pi4jResetLine(out);
    }

    @Override
    public void assertReset(boolean asserted) {
        try {
            if (asserted) {
                pin.low();
            } else {
                pin.high();
            }
        } catch (RuntimeException e) {
            throw new SpiException("W5100 reset line failed: " + e.getMessage(), e);
        }
    }
}
