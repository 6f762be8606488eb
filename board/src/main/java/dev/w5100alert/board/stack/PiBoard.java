package dev.w5100alert.board.stack;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalInputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.sensor.GpioSensors;
import dev.w5100alert.board.sensor.SensorEventQueue;
import dev.w5100alert.firmware.smtp.SmtpTranscript;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.pi4j.Pi4jInterruptLine;
import dev.w5100alert.hal.spidev.LinuxSpidev;
import dev.w5100alert.hal.spidev.SpidevBus;
import dev.w5100alert.hal.pi4j.Pi4jResetLine;
import dev.w5100alert.hal.pi4j.Pi4jSpiBus;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The real board: a Pi4J context with the linuxfs providers only (SPI through /dev/spidev, GPIO
 * through the kernel's GPIO character/sysfs interface), the W5100 on SPI (bus, chip select, clock
 * from the configuration, mode 0), its /RESET pin, and the sensors as GPIO inputs.
 */
public final class PiBoard implements java.io.Closeable {
    public final Context pi4j;
    public final SpiBus spi;
    public final GpioSensors sensors;
    public final BoardStack stack;

    private PiBoard(Context pi4j, SpiBus spi, GpioSensors sensors, BoardStack stack) {
        this.pi4j = pi4j;
        this.spi = spi;
        this.sensors = sensors;
        this.stack = stack;
    }

    public static PiBoard open(BoardConfig config, Path outboxDir, Clock clock, Log log, SmtpTranscript transcript)
            throws IOException {
        Context pi4j = Pi4J.newContextBuilder().noAutoDetect()
                .add(LinuxFsSpiProvider.newInstance(), LinuxFsDigitalInputProvider.newInstance(),
                        LinuxFsDigitalOutputProvider.newInstance())
                .build();
        try {
            BoardConfig.Hardware hw = config.hardware();
            // hardware.spi-driver: spidev batches each driver transfer into SPI_IOC_MESSAGE ioctls; pi4j is the fallback.
            SpiBus spi = hw.spiDriver() == BoardConfig.SpiDriver.PI4J
                    ? Pi4jSpiBus.open(pi4j, hw.spiBus(), hw.spiChipSelect(), hw.spiClockHz())
                    : SpidevBus.open(LinuxSpidev.INSTANCE, hw.spiBus(), hw.spiChipSelect(), hw.spiClockHz(),
                            SpidevBus.BUFSIZ_PARAMETER);
            ResetLine reset = hw.resetPin() >= 0 ? Pi4jResetLine.open(pi4j, hw.resetPin()) : ResetLine.NOT_WIRED;
            SensorEventQueue events = new SensorEventQueue(256);
            // GPIO events and the outbox read the same wall clock, which network time corrects.
            dev.w5100alert.firmware.time.NetworkClock wall = new dev.w5100alert.firmware.time.NetworkClock(clock);
            GpioSensors sensors = GpioSensors.open(pi4j, LinuxFsDigitalInputProvider.ID, config.sensors(), events, wall);
            BoardStack stack = BoardStack.create(config, spi, reset, wall, log, transcript, outboxDir, sensors::active,
                    sensors.levels(), events);
            if (hw.intPin() >= 0) {
                stack.interruptLine(Pi4jInterruptLine.open(pi4j, hw.intPin()));
            }
            return new PiBoard(pi4j, spi, sensors, stack);
        } catch (IOException | RuntimeException e) {
            pi4j.shutdown();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stack.close();
        } finally {
            sensors.close();
            if (spi instanceof SpidevBus d) {
                d.close();
            } else if (spi instanceof Pi4jSpiBus p) {
                p.close();
            }
            pi4j.shutdown();
        }
    }
}
