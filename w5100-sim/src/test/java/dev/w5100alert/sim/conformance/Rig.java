package dev.w5100alert.sim.conformance;

import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.MemorySplit;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;

/** The driver on the simulator with a virtual network, a shared virtual clock and the sim's reset pin. */
final class Rig implements AutoCloseable {
    static final int CHIP_IP = Ipv4.of(192, 168, 1, 2);
    static final int SUBNET = Ipv4.of(255, 255, 255, 0);
    static final int GATEWAY = Ipv4.of(192, 168, 1, 1);
    static final int SERVER = Ipv4.of(192, 168, 1, 10);
    static final long MAC = 0x02_57_10_00_00_02L;

    final ParkingVirtualClock clock = new ParkingVirtualClock();
    final W5100Simulator sim;
    final W5100Driver driver;

    Rig(VirtualNetwork net) {
        this(net, null);
    }

    /** {@code wire} (may be null) sits between driver and simulator, to model wiring faults. */
    Rig(VirtualNetwork net, java.util.function.UnaryOperator<SpiBus> wire) {
        sim = new W5100Simulator(net, clock::nanoTime);
        SpiBus bus = wire == null ? sim : wire.apply(sim);
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
        sim.close();
    }
}
