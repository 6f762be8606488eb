package dev.w5100alert.sim;

/**
 * Fault injection for tests and debugging: each switch can be thrown at any moment and takes effect on
 * the next bus access (or at once, for the peer faults). Obtain it with {@link W5100Simulator#faults()}.
 *
 * <p>Not thread-safe: call from the thread that drives the bus.
 */
public final class Faults {
    private final W5100Simulator sim;
    boolean arpNoAnswer;
    boolean commandsStuck;
    int misoStuck = -1;
    boolean lostReset;
    int openPointers;

    Faults(W5100Simulator sim) {
        this.sim = sim;
    }

    /**
     * The peer of socket {@code n} resets the connection now (the chip sees RST: CLOSED, DISCON). No
     * effect while the socket has no connection (or connection attempt) to a real peer.
     */
    public Faults resetPeer(int n) {
        sim.socket(n).injectPeerReset();
        return this;
    }

    /**
     * The peer of socket {@code n} closes now (the chip sees FIN: CLOSE_WAIT with DISCON, or TIME_WAIT
     * then CLOSED if the chip had sent its FIN already). Data already in the RX buffer stays readable.
     */
    public Faults closePeer(int n) {
        sim.socket(n).injectPeerClose();
        return this;
    }

    /**
     * The peer of socket {@code n} acknowledges slowly: each SEND's data reaches the wire, and SEND_OK
     * and TX_FSR follow, only {@code ackDelayNanos} of simulator-clock time after the SEND.
     * 0 restores a prompt peer. Stays set across OPEN/CLOSE (every later connection of the socket is
     * slow) until changed or the chip is reset.
     */
    public Faults slowPeer(int n, long ackDelayNanos) {
        if (ackDelayNanos < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + ackDelayNanos);
        }
        sim.socket(n).slowAckNanos = ackDelayNanos;
        return this;
    }

    /**
     * The peer of socket {@code n} stops answering: sent data is never acknowledged (no SEND_OK; after
     * the TCP retransmission time, TIMEOUT and CLOSED) and nothing more is received. Applies to the
     * current connection (call it once the socket is open); for a host that never answers at all use
     * {@link VirtualNetwork.Builder#silent()}.
     */
    public Faults silencePeer(int n) {
        sim.socket(n).injectSilence();
        return this;
    }

    /**
     * Another station on the wire sends an ARP request whose sender IP is the chip's own SIPR, now: the
     * chip sets IR.CONFLICT (datasheet 4.1, IR bit 7), which stays until written 1 to clear and drives
     * /INT if IMR bit 7 is set. The virtual network has no such station by itself.
     */
    public Faults ipConflict() {
        sim.raiseConflict();
        return this;
    }

    /** No ARP request gets an answer (cable unplugged, wrong subnet): ARP then TIMEOUT. */
    public Faults arpNoAnswer(boolean on) {
        arpNoAnswer = on;
        return this;
    }

    /**
     * The chip stops clearing Sn_CR: a written command is not executed and reads back unchanged
     * (the classic hang of drivers that wait for Sn_CR == 0 without a deadline).
     */
    public Faults commandsStuck(boolean on) {
        commandsStuck = on;
        return this;
    }

    /**
     * MISO stuck at {@code value} (0xFF: pulled up, nothing driving it; 0x00: shorted or unwired), as on
     * a board with no chip answering. The model still sees MOSI. {@code -1} heals the line.
     */
    public Faults misoStuckAt(int value) {
        if (value < -1 || value > 0xFF) {
            throw new IllegalArgumentException("MISO value must be 0..255 or -1, got " + value);
        }
        misoStuck = value;
        return this;
    }

    /** A lost reset: MR.RST never clears (soft reset never completes) and hardware reset is ignored. */
    public Faults lostReset(boolean on) {
        lostReset = on;
        return this;
    }

    /**
     * OPEN starts TX_RD, TX_WR, RX_RD (and the internal RX write pointer) at {@code value} instead of 0,
     * e.g. 0xFFF0 so the 16-bit pointers wrap during the first transfer. Catches drivers that assume
     * the pointers start at 0 instead of reading them. Default 0.
     */
    public Faults openPointersAt(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("pointer must be 0..0xFFFF, got " + value);
        }
        openPointers = value;
        return this;
    }

    /** Heals every global fault (the per-socket peer faults end with the connection). */
    public Faults clear() {
        arpNoAnswer = false;
        commandsStuck = false;
        misoStuck = -1;
        lostReset = false;
        openPointers = 0;
        return this;
    }
}
