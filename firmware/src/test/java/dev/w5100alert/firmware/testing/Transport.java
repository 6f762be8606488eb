package dev.w5100alert.firmware.testing;

import dev.w5100alert.firmware.net.NioTcpLink;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.spidev.EmulatedSpidev;
import dev.w5100alert.hal.spidev.SpidevBus;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;

/**
 * The two ways the engine reaches a loopback SMTP server in tests: straight over java.nio, or through
 * hal's W5100Driver driving the w5100-sim chip, whose virtual network maps 192.168.1.10:25 to the real
 * 127.0.0.1 port.
 */
public enum Transport {
    NIO,
    W5100_SIM,
    /** As W5100_SIM, the frames going through the spidev binding and an emulated kernel (SPI_IOC_MESSAGE). */
    W5100_SIM_SPIDEV;

    /** Virtual address of the SMTP server inside the simulator's network. */
    public static final String SIM_SERVER = "192.168.1.10";

    /** A connected-up link plus where the engine should dial. */
    public record Stack(TcpLink link, String serverIp, int serverPort, W5100Simulator sim, W5100Driver driver)
            implements AutoCloseable {
        @Override
        public void close() {
            link.close();
            if (sim != null) {
                sim.close();
            }
        }
    }

    public Stack open(int realPort, Clock clock) {
        if (this == NIO) {
            return new Stack(new NioTcpLink(), "127.0.0.1", realPort, null, null);
        }
        VirtualNetwork net = VirtualNetwork.builder().host(SIM_SERVER).tcp(25, realPort).build();
        W5100Simulator sim = new W5100Simulator(net, clock::nanoTime);
        if (!(clock instanceof dev.w5100alert.hal.SystemClock)) {
            // Test clocks here stand still while the scripted server talks: no ARP or handshake latency.
            sim.wireLatency(0, 0);
        }
        SpiBus bus = this == W5100_SIM_SPIDEV ? spidevOver(sim) : sim;
        W5100Driver driver = new W5100Driver(bus, ResetLine.NOT_WIRED, clock);
        driver.bringUp(NetworkConfig.of(0x02_00_00_00_00_01L, Ipv4.of(192, 168, 1, 50), Ipv4.of(255, 255, 255, 0),
                Ipv4.of(192, 168, 1, 1)));
        return new Stack(new W5100TcpLink(driver, 30_000_000_000L, 1_000_000_000L), SIM_SERVER, 25, sim, driver);
    }

    /** The emulated kernel's spidev.bufsiz: 4096 (the default) unless {@code -Dw5100.spidev.bufsiz=N}. */
    static final int BUFSIZ = Integer.getInteger("w5100.spidev.bufsiz", SpidevBus.DEFAULT_BUFSIZ);

    /** The last spidev binding opened by {@link #W5100_SIM_SPIDEV} (its ioctl counters). */
    public static SpidevBus lastSpidev;

    /** The spidev binding over an emulated kernel whose messages shift through {@code sim}; the default bufsiz. */
    public static SpidevBus spidevOver(W5100Simulator sim) {
        EmulatedSpidev kernel = new EmulatedSpidev(new EmulatedSpidev.ByteChip() {
            @Override
            public void chipSelect(boolean selected) {
                sim.chipSelect(selected);
            }

            @Override
            public int shift(int byteIn) {
                return sim.shift(byteIn);
            }
        }, BUFSIZ, SpidevBus.DMA_ALIGNMENT);
        java.nio.file.Path parameter;
        try {
            parameter = java.nio.file.Files.createTempFile("bufsiz", "");
            java.nio.file.Files.writeString(parameter, BUFSIZ + "\n");
            parameter.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        lastSpidev = SpidevBus.open(kernel, 0, 0, 8_000_000, parameter);
        return lastSpidev;
    }
}
