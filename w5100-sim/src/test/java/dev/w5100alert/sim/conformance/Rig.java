package dev.w5100alert.sim.conformance;

import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.MemorySplit;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.hal.spidev.EmulatedSpidev;
import dev.w5100alert.hal.spidev.SpidevBus;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;

/**
 * The driver on the simulator with a virtual network, a shared virtual clock and the sim's reset pin. With
 * {@code -Dw5100.conformance.bus=spidev} (the second surefire run of this suite) the frames go through the
 * spidev binding and an emulated kernel that decodes its {@code spi_ioc_transfer} arrays from native memory.
 */
final class Rig implements AutoCloseable {
    static final int CHIP_IP = Ipv4.of(192, 168, 1, 2);
    static final int SUBNET = Ipv4.of(255, 255, 255, 0);
    static final int GATEWAY = Ipv4.of(192, 168, 1, 1);
    static final int SERVER = Ipv4.of(192, 168, 1, 10);
    static final long MAC = 0x02_57_10_00_00_02L;

    final ParkingVirtualClock clock = new ParkingVirtualClock();
    final W5100Simulator sim;
    final W5100Driver driver;
    final SpidevBus spidev;
    final EmulatedSpidev kernel;

    Rig(VirtualNetwork net) {
        this(net, null);
    }

    /** {@code wire} (may be null) sits between driver and simulator, to model wiring faults. */
    Rig(VirtualNetwork net, java.util.function.UnaryOperator<SpiBus> wire) {
        sim = new W5100Simulator(net, clock::nanoTime);
        SpiBus frames = sim;
        if ("spidev".equals(System.getProperty("w5100.conformance.bus"))) {
            kernel = new EmulatedSpidev(new EmulatedSpidev.ByteChip() {
                @Override
                public void chipSelect(boolean selected) {
                    sim.chipSelect(selected);
                }

                @Override
                public int shift(int byteIn) {
                    return sim.shift(byteIn);
                }
            }, SpidevBus.DEFAULT_BUFSIZ, SpidevBus.DMA_ALIGNMENT);
            spidev = SpidevBus.open(kernel, 0, 0, 8_000_000, java.nio.file.Path.of("/nonexistent/bufsiz"));
            frames = spidev;
        } else {
            kernel = null;
            spidev = null;
        }
        SpiBus bus = wire == null ? frames : wire.apply(frames);
        ResetLine reset = sim::setResetAsserted;
        driver = new W5100Driver(bus, reset, clock);
    }

    static NetworkConfig config(MemorySplit split) {
        return NetworkConfig.of(MAC, CHIP_IP, SUBNET, GATEWAY).withMemory(split);
    }

    Rig up(MemorySplit split) {
        driver.bringUp(config(split));
        return this;
    }

    Rig up() {
        return up(MemorySplit.EVEN);
    }

    @Override
    public void close() {
        if (spidev != null) {
            spidev.close();
            if (kernel.refused() != 0 && !kernel.lastRefusal().isEmpty()) {
                throw new AssertionError("the emulated kernel refused a message: " + kernel.lastRefusal());
            }
        }
        sim.close();
    }
}
