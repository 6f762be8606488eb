package dev.w5100alert.board.stack;

import dev.w5100alert.board.loop.ChipSupervisor;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.W5100Driver;

/**
 * Chip health over the real driver. The probe reads the source IP register (SIPR, 0x000F): after
 * bring-up it holds the board's address, so a chip that lost power or its configuration (reads 0),
 * or a dead MISO line (reads 0xFF), fails it. Recovery is the driver's full {@code bringUp}: hardware
 * reset through the reset pin when wired, soft reset, detection with diagnosis, configuration.
 */
public final class DriverChip implements ChipSupervisor {
    private static final int SIPR = 0x000F;
    private final W5100Driver driver;
    private final NetworkConfig config;
    private final RegisterPeek peek;
    private final byte[] ip = new byte[4];

    public DriverChip(W5100Driver driver, NetworkConfig config, RegisterPeek peek) {
        this.driver = driver;
        this.config = config;
        this.peek = peek;
    }

    @Override
    public boolean responding() {
        try {
            peek.read(SIPR, ip);
        } catch (RuntimeException e) {
            return false;
        }
        int read = ((ip[0] & 0xFF) << 24) | ((ip[1] & 0xFF) << 16) | ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF);
        return read == config.ip();
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
