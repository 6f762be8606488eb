package dev.w5100alert.hal.spidev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.w5100alert.hal.SpiException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The real libc binding, on the build machine: no SPI device here, but open/ioctl/close go through JNA's
 * direct mapping to the kernel, and the errors come back as the negative errno the binding acts on.
 */
@EnabledOnOs(OS.LINUX)
class LinuxSpidevTest {

    static final int ENOENT = 2;
    static final int ENOTTY = 25;

    @Test
    void systemCallsReachTheKernelAndErrorsComeBackAsNegativeErrno() {
        LinuxSpidev os = LinuxSpidev.INSTANCE;
        assertEquals(-ENOENT, os.open("/nonexistent/spidev0.0", SpidevBus.O_RDWR));
        int fd = os.open("/dev/null", SpidevBus.O_RDWR);
        assertTrue(fd >= 0, "fd " + fd);
        try (Memory m = new Memory(SpidevBus.TRANSFER_BYTES)) {
            m.clear();
            assertEquals(-ENOTTY, os.ioctl(fd, SpidevBus.SPI_IOC_WR_MODE, m), "not an SPI device");
            assertEquals(-ENOTTY, os.ioctl(fd, SpidevBus.spiIocMessage(1), m));
        }
        assertEquals(0, os.close(fd));
    }

    @Test
    void openingAMissingBusIsAClearError() {
        SpiException e = assertThrows(SpiException.class,
                () -> SpidevBus.open(LinuxSpidev.INSTANCE, 97, 3, 8_000_000, Path.of("/nonexistent")));
        assertTrue(e.getMessage().contains("/dev/spidev97.3") && e.getMessage().contains("errno 2"), e.getMessage());
    }
}
