package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoded trace and the per-register counters. */
class TraceAndCountersTest {

    @Test
    void traceDecodesFramesIntoRegisterNamesAndValues() {
        List<String> lines = new ArrayList<>();
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            sim.trace(lines::add);
            Frames f = new Frames(sim);
            f.write(0x0400, 0x01);
            f.command(0, 0x01);
            f.status(0);
            f.write(0x0401, 0x04);
            f.read(0x0017);
            f.write(0x4001, 0x41);
            f.read(0x0013);
            sim.chipSelect(true);
            sim.shift(0xF0);
            sim.chipSelect(false);
            sim.trace(null);
            f.read(0x0017);
        }
        assertTrue(lines.contains("W S0_MR=TCP"), lines.toString());
        assertTrue(lines.contains("W S0_CR=OPEN"), lines.toString());
        assertTrue(lines.contains("R S0_SR=INIT"), lines.toString());
        assertTrue(lines.contains("W S0_CR=CONNECT"), lines.toString());
        assertTrue(lines.contains("R RTR[0]=0x07"), lines.toString());
        assertTrue(lines.contains("W TXMEM[0x4001]=0x41"), lines.toString());
        assertTrue(lines.contains("# S0 CLOSED -> INIT"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("! read of reserved address 0x0013")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("! frame cut short")), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("R RTR")).count(), "no lines once the sink is removed");
    }

    @Test
    void traceNamesCommandsAndStatesOfARealConnection() throws Exception {
        List<String> lines = new ArrayList<>();
        try (EchoServer echo = new EchoServer();
             W5100Simulator sim = new W5100Simulator(
                     VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build(), () -> 0L)) {
            sim.trace(lines::add);
            Chip c = new Chip(sim).configure();
            c.open(0, 0x01, 4000);
            c.dest(0, 192, 168, 1, 10, 7);
            c.f.command(0, 0x04);
            c.awaitStatus(0, 0x17);
            c.f.interrupts(0);
            c.f.command(0, 0x10);
        }
        for (String expected : new String[] {"W S0_CR=CONNECT", "R S0_SR=ESTABLISHED", "W S0_CR=CLOSE",
            "# S0 INIT -> ARP", "# S0 ARP -> SYNSENT", "R S0_IR=CON", "W S0_DIPR[3]=0x0A", "W SIPR[0]=0xC0"}) {
            assertTrue(lines.contains(expected), expected + " missing from " + lines);
        }
    }

    @Test
    void countersCountFramesPerRegister() {
        try (W5100Simulator sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> 0L)) {
            Frames f = new Frames(sim);
            for (int i = 0; i < 5; i++) {
                f.status(2);
            }
            f.write16(0x0017, 1000);
            f.read(0x6000);
            f.write(0x4000, 1);
            SimCounters c = sim.counters();
            assertEquals(9, c.frames());
            assertEquals(6, c.reads());
            assertEquals(3, c.writes());
            assertEquals(5, c.reads("S2_SR"));
            assertEquals(0, c.reads("S1_SR"));
            assertEquals(2, c.writes("RTR"));
            assertEquals(1, c.rxBufferReads());
            assertEquals(1, c.txBufferWrites());
            c.clear();
            assertEquals(0, c.frames());
            assertEquals(0, c.reads("S2_SR"));
        }
    }
}
