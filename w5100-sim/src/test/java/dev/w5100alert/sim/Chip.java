package dev.w5100alert.sim;

import java.util.function.BooleanSupplier;

/**
 * Test-only socket-level steps made of raw frames (no driver): configure the chip, open sockets, move
 * data through the rings. Every wait is bounded by a real-time deadline (real sockets are involved)
 * and fails with the state it saw.
 */
final class Chip {
    static final int SR = 0x03, IR = 0x02, MR = 0x00, CR = 0x01, PORT = 0x04, DIPR = 0x0C, DPORT = 0x10;
    static final int TX_FSR = 0x20, TX_RD = 0x22, TX_WR = 0x24, RX_RSR = 0x26, RX_RD = 0x28;
    static final int OPEN = 0x01, LISTEN = 0x02, CONNECT = 0x04, DISCON = 0x08, CLOSE = 0x10, SEND = 0x20, RECV = 0x40;
    static final int CLOSED = 0x00, ARP = 0x01, INIT = 0x13, S_LISTEN = 0x14, SYNSENT = 0x15, ESTABLISHED = 0x17;
    static final int FIN_WAIT = 0x18, TIME_WAIT = 0x1B, CLOSE_WAIT = 0x1C, LAST_ACK = 0x1D, UDP = 0x22;
    static final int SEND_OK = 0x10, TIMEOUT = 0x08, RECV_IR = 0x04, DISCON_IR = 0x02, CON = 0x01;
    static final long REAL_DEADLINE_NANOS = 20_000_000_000L;

    final W5100Simulator sim;
    final Frames f;

    /** Most tests here run on a clock that stands still: no wire latency (tests of the latency set their own). */
    Chip(W5100Simulator sim) {
        this.sim = sim;
        this.f = new Frames(sim);
        sim.wireLatency(0, 0);
    }

    /** SIPR 192.168.1.50/24, gateway 192.168.1.1, a MAC. */
    Chip configure() {
        f.writeIp(0x0001, 192, 168, 1, 1);
        f.writeIp(0x0005, 255, 255, 255, 0);
        f.writeIp(0x0009, 0x02, 0x00, 0x00, 0x00);
        f.write(0x000D, 0x00);
        f.write(0x000E, 0x01);
        f.writeIp(0x000F, 192, 168, 1, 50);
        return this;
    }

    void memorySizes(int code) {
        int v = code | code << 2 | code << 4 | code << 6;
        f.write(0x001A, v);
        f.write(0x001B, v);
    }

    void open(int s, int mode, int port) {
        f.write(Frames.sreg(s, MR), mode);
        f.write16(Frames.sreg(s, PORT), port);
        f.command(s, OPEN);
    }

    void dest(int s, int a, int b, int c, int d, int port) {
        f.writeIp(Frames.sreg(s, DIPR), a, b, c, d);
        f.write16(Frames.sreg(s, DPORT), port);
    }

    int status(int s) {
        return f.status(s);
    }

    void awaitStatus(int s, int expected) {
        awaitTrue(() -> f.status(s) == expected,
                () -> "socket " + s + " status 0x" + Integer.toHexString(f.status(s)) + ", expected 0x"
                        + Integer.toHexString(expected));
    }

    void awaitInterrupt(int s, int bit) {
        awaitTrue(() -> (f.interrupts(s) & bit) != 0,
                () -> "socket " + s + " IR 0x" + Integer.toHexString(f.interrupts(s)) + " never got 0x"
                        + Integer.toHexString(bit) + " (SR 0x" + Integer.toHexString(f.status(s)) + ")");
    }

    static void awaitTrue(BooleanSupplier cond, java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + REAL_DEADLINE_NANOS;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + why.get());
            }
            Thread.yield(); // let the real peer threads run on a busy machine
        }
    }

    /** Writes data into socket s's TX ring at TX_WR, wrapping, then SEND; waits for SEND_OK. */
    void send(int s, byte[] data) {
        int size = sim.bufferSize(s, true);
        int base = sim.bufferBase(s, true);
        int wr = f.read16(Frames.sreg(s, TX_WR));
        for (int i = 0; i < data.length; i++) {
            f.write(base + ((wr + i) & (size - 1)), data[i] & 0xFF);
        }
        f.write16(Frames.sreg(s, TX_WR), (wr + data.length) & 0xFFFF);
        f.command(s, SEND);
        awaitInterrupt(s, SEND_OK);
        f.write(Frames.sreg(s, IR), SEND_OK);
    }

    /** Reads exactly n bytes from socket s's RX ring, issuing RECV after each chunk. */
    byte[] receive(int s, int n) {
        byte[] out = new byte[n];
        int got = 0;
        int size = sim.bufferSize(s, false);
        int base = sim.bufferBase(s, false);
        long deadline = System.nanoTime() + REAL_DEADLINE_NANOS;
        while (got < n) {
            int avail = f.read16Stable(Frames.sreg(s, RX_RSR));
            if (avail == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + got + " of " + n + " bytes; SR=0x"
                            + Integer.toHexString(f.status(s)));
                }
                Thread.yield(); // let the real peer threads run on a busy machine
                continue;
            }
            int take = Math.min(avail, n - got);
            int rd = f.read16(Frames.sreg(s, RX_RD));
            for (int i = 0; i < take; i++) {
                out[got + i] = (byte) f.read(base + ((rd + i) & (size - 1)));
            }
            f.write16(Frames.sreg(s, RX_RD), (rd + take) & 0xFFFF);
            f.command(s, RECV);
            got += take;
        }
        return out;
    }
}
