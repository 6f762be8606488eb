package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hardware.int-pin and hardware.spi-driver. */
class HardwareKeysTest {

    static final String BASE = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [hardware]
            %s
            [smtp]
            server = 192.168.1.10
            port = 25
            sender = alarm@example.org
            recipients = ops@example.org
            [sensor door]
            pin = 17
            """;

    @TempDir
    Path dir;

    BoardConfig parse(String hardwareLines) throws ConfigException {
        return new ConfigParser(k -> null).parse("b.conf", Arrays.asList(BASE.formatted(hardwareLines).split("\n")), dir,
                null);
    }

    ConfigError error(String hardwareLines) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(hardwareLines));
        assertEquals(1, e.errors().size(), e.errors()::toString);
        return e.errors().get(0);
    }

    @Test
    void defaultsAreNoInterruptLineAndTheSpidevBinding() throws Exception {
        BoardConfig.Hardware hw = parse("reset-pin = 25").hardware();
        assertEquals(-1, hw.intPin());
        assertEquals(BoardConfig.SpiDriver.SPIDEV, hw.spiDriver());
    }

    @Test
    void intPinTakesABcmNumberOrNone() throws Exception {
        assertEquals(24, parse("int-pin = 24").hardware().intPin());
        assertEquals(-1, parse("int-pin = none").hardware().intPin());
        ConfigError e = error("int-pin = 40");
        assertEquals("hardware.int-pin", e.key());
        assertEquals(7, e.line());
    }

    @Test
    void intPinMustNotShareAPinWithTheResetLineOrASensor() {
        ConfigError e = error("reset-pin = 24\nint-pin = 24");
        assertEquals("hardware.int-pin", e.key());
        assertTrue(e.message().contains("hardware.reset-pin"), e.message());
        ConfigError s = error("int-pin = 17");
        assertTrue(s.message().contains("17") && s.message().contains("used by"), s.message());
    }

    @Test
    void spiDriverIsSpidevOrPi4j() throws Exception {
        assertEquals(BoardConfig.SpiDriver.PI4J, parse("spi-driver = pi4j").hardware().spiDriver());
        assertEquals(BoardConfig.SpiDriver.SPIDEV, parse("spi-driver = spidev").hardware().spiDriver());
        ConfigError e = error("spi-driver = bitbang");
        assertEquals("hardware.spi-driver", e.key());
        assertTrue(e.message().contains("spidev or pi4j"), e.message());
    }
}
