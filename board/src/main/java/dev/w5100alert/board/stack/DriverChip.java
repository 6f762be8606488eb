package dev.w5100alert.board.stack;

import dev.w5100alert.board.loop.ChipSupervisor;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.W5100Driver;

/**
 * Chip health over the real driver. The probe is {@link W5100Driver#configurationIntact()}: after
 * bring-up SIPR and SUBR hold the board's address, so a chip that lost power or its configuration
 * (reads 0), or a dead MISO line (reads 0xFF), fails it. Recovery is the driver's full
 * {@code bringUp}: hardware reset through the reset pin when wired, soft reset, detection with
 * diagnosis, configuration.
 */
public final class DriverChip implements ChipSupervisor {
    private final W5100Driver driver;
    private final NetworkConfig config;

    public DriverChip(W5100Driver driver, NetworkConfig config) {
        this.driver = driver;
        this.config = config;
    }

    @Override
    public boolean responding() {
        return driver.configurationIntact();
    }

    @Override
    public String reset() {
        try {
            driver.bringUp(config);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
