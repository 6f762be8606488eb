package dev.w5100alert.sim;

/**
 * Test-only UDP over raw frames on the simulated chip, in virtual time: sends a datagram and waits
 * for SEND_OK or TIMEOUT, receives one datagram (header and payload) while the virtual clock moves.
 * Independent of hal's driver.
 */
final class LanWire {
    static final int BROADCAST = 0xFFFFFFFF;

    final W5100Simulator sim;
    final VirtualClock clock;
    final Chip chip;
    final Frames f;
    int lastSourceIp;
    int lastSourcePort;

    LanWire(W5100Simulator sim, VirtualClock clock) {
        this.sim = sim;
        this.clock = clock;
        this.chip = new Chip(sim);
        this.f = chip.f;
    }

    /** MAC 02:00:00:00:00:01, SIPR/SUBR/GAR as given (0 for a DHCP client in INIT). */
    LanWire configure(int ip, int mask, int gateway) {
        f.writeIp(0x0009, 0x02, 0x00, 0x00, 0x00);
        f.write(0x000D, 0x00);
        f.write(0x000E, 0x01);
        address(ip, mask, gateway);
        return this;
    }

    void address(int ip, int mask, int gateway) {
        put32(0x0001, gateway);
        put32(0x0005, mask);
        put32(0x000F, ip);
    }

    void put32(int at, int v) {
        f.writeIp(at, (v >>> 24) & 0xFF, (v >>> 16) & 0xFF, (v >>> 8) & 0xFF, v & 0xFF);
    }

    void openUdp(int s, int port) {
        chip.open(s, 0x02, port);
        if (chip.status(s) != Chip.UDP) {
            throw new AssertionError("socket " + s + " did not open in UDP mode");
        }
    }

    /** Sends; true on SEND_OK, false on TIMEOUT (ARP unanswered). Bounded in virtual time. */
    boolean sendTo(int s, int ip, int port, byte[] data) {
        put32(Frames.sreg(s, Chip.DIPR), ip);
        f.write16(Frames.sreg(s, Chip.DPORT), port);
        int size = sim.bufferSize(s, true);
        int base = sim.bufferBase(s, true);
        int wr = f.read16(Frames.sreg(s, Chip.TX_WR));
        for (int i = 0; i < data.length; i++) {
            f.write(base + ((wr + i) & (size - 1)), data[i] & 0xFF);
        }
        f.write16(Frames.sreg(s, Chip.TX_WR), (wr + data.length) & 0xFFFF);
        f.command(s, Chip.SEND);
        for (int ms = 0; ms < 60_000; ms++) {
            int ir = f.interrupts(s);
            if ((ir & Chip.SEND_OK) != 0) {
                f.write(Frames.sreg(s, Chip.IR), Chip.SEND_OK);
                return true;
            }
            if ((ir & Chip.TIMEOUT) != 0) {
                f.write(Frames.sreg(s, Chip.IR), Chip.TIMEOUT);
                return false;
            }
            clock.advanceMillis(1);
        }
        throw new AssertionError("neither SEND_OK nor TIMEOUT in 60 s of virtual time");
    }

    /** The next datagram's payload, or null if none came within {@code virtualMillis}. */
    byte[] receive(int s, long virtualMillis) {
        for (long ms = 0; ms <= virtualMillis; ms++) {
            byte[] d = poll(s);
            if (d != null) {
                return d;
            }
            clock.advanceMillis(1);
        }
        return null;
    }

    /** As {@link #receive} but also waiting in real time (for answers from real loopback peers). */
    byte[] receiveReal(int s, long realMillis) {
        long deadline = System.nanoTime() + realMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] d = poll(s);
            if (d != null) {
                return d;
            }
            clock.advanceMillis(1);
            Thread.yield();
        }
        return null;
    }

    /** A datagram if one is waiting now (no time passes). */
    byte[] poll(int s) {
        int rsr = f.read16Stable(Frames.sreg(s, Chip.RX_RSR));
        if (rsr < 8) {
            return null;
        }
        int size = sim.bufferSize(s, false);
        int base = sim.bufferBase(s, false);
        int rd = f.read16(Frames.sreg(s, Chip.RX_RD));
        byte[] h = new byte[8];
        for (int i = 0; i < 8; i++) {
            h[i] = (byte) f.read(base + ((rd + i) & (size - 1)));
        }
        lastSourceIp = ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
        lastSourcePort = ((h[4] & 0xFF) << 8) | (h[5] & 0xFF);
        int len = ((h[6] & 0xFF) << 8) | (h[7] & 0xFF);
        byte[] d = new byte[len];
        for (int i = 0; i < len; i++) {
            d[i] = (byte) f.read(base + ((rd + 8 + i) & (size - 1)));
        }
        f.write16(Frames.sreg(s, Chip.RX_RD), (rd + 8 + len) & 0xFFFF);
        f.command(s, Chip.RECV);
        return d;
    }

    static int ip(String dotted) {
        return VirtualNetwork.parseIpv4(dotted);
    }
}
