package dev.w5100alert.hal;

import static dev.w5100alert.hal.W5100Registers.*;

/**
 * Driver for a WIZnet W5100 on an {@link SpiBus}: bring-up, network configuration and the four
 * hardware sockets (TCP client, UDP).
 *
 * <p>This class knows registers; the bus knows frames. Every register access goes through one
 * preallocated {@link FrameBatch}, and the driver groups accesses that can share a transfer (a 16-bit
 * register, a buffer copy with its pointer update and command) into one {@link SpiBus#transfer} call.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Every wait polls against a deadline from the injected {@link Clock} and calls
 *       {@link Clock#idleUntil(long)} between polls; a poll count cap bounds each wait even if the clock
 *       stood still. No wait is unbounded, no thread sleeps.</li>
 *   <li>After {@link #bringUp}, sending and receiving on an open socket allocate nothing.</li>
 *   <li>Sockets never leak: every failure path issues CLOSE and frees the slot.</li>
 *   <li>Not thread-safe: one thread drives the chip (the firmware's main loop).</li>
 * </ul>
 */
public final class W5100Driver {

    /** Data bytes copied per bus transfer at most (bounds the frame buffer: 4 x (this + control)). */
    static final int CHUNK_BYTES = 1024;
    /** Control frames that may follow the data in the same transfer (pointer, command, checks). */
    static final int CONTROL_FRAMES = 16;

    /** Chip accepts a command (Sn_CR back to 0) within microseconds; this is generous. */
    static final long COMMAND_TIMEOUT_NANOS = 50_000_000L;
    /** Soft reset: Arduino allows 20 ms, some boards need ~200 ms after power-up. */
    static final long RESET_TIMEOUT_NANOS = 250_000_000L;
    /** Hardware reset pulse (datasheet: /RESET low for at least 2 us). */
    static final long RESET_PULSE_NANOS = 10_000L;
    /** After /RESET rises the PLL needs time to lock (datasheet: 10 ms). */
    static final long RESET_SETTLE_NANOS = 10_000_000L;
    /** Upper bound on polls in any single wait, in case a clock stands still. */
    static final int MAX_POLLS = 10_000_000;
    /** Reads of a 16-bit counter before giving up on two agreeing (then the smaller one is used). */
    static final int STABLE_READ_TRIES = 4;

    /** Ephemeral local ports (RFC 6335 dynamic range). */
    static final int EPHEMERAL_FIRST = 49152;
    static final int EPHEMERAL_LAST = 65535;

    final SpiBus bus;
    final ResetLine resetLine;
    final Clock clock;
    final FrameBatch batch;
    private final W5100Socket[] owners = new W5100Socket[SOCKETS];
    private NetworkConfig config;
    /** SIPR, SUBR and GAR as last written (by {@link #configure} or {@link #setAddress}). */
    private int sipr;
    private int subr;
    private int gar;
    private int nextEphemeral = EPHEMERAL_FIRST;
    /** Whether /INT is wired, so IMR lets the sockets in use drive it. */
    private boolean interrupts;
    /** IMR as written: one bit per socket in use (datasheet 4.1, IMR bits 3..0). */
    private int imr;

    public W5100Driver(SpiBus bus, ResetLine resetLine, Clock clock) {
        if (bus == null || resetLine == null || clock == null) {
            throw new IllegalArgumentException("bus, reset line and clock are required");
        }
        this.bus = bus;
        this.resetLine = resetLine;
        this.clock = clock;
        this.batch = new FrameBatch(bus, CHUNK_BYTES + CONTROL_FRAMES);
    }

    /** The configuration written by the last {@link #bringUp} or {@link #configure}; null before. */
    public NetworkConfig config() {
        return config;
    }

    /**
     * With {@code wired} the chip's /INT line is watched by the loop: from now on IMR has the bit of
     * every socket in use (set on open, cleared when the slot is freed, written again by
     * {@link #configure}), and receiving clears Sn_IR.RECV before it reads Sn_RX_RSR, so /INT goes high
     * again once the news is taken and falls on the next. Without it IMR stays 0 (the reset value) and
     * the register traffic is exactly as before.
     */
    public void interruptsWired(boolean wired) {
        interrupts = wired;
        if (!wired && imr != 0) {
            imr = 0;
            batch.write(IMR, 0);
            batch.run();
        }
    }

    /** Whether {@link #interruptsWired} was given {@code true}. */
    public boolean interruptsWired() {
        return interrupts;
    }

    /** IMR as this driver last wrote it. */
    public int interruptMask() {
        return imr;
    }

    private void writeImr(int mask) {
        imr = mask;
        batch.write(IMR, mask);
        batch.run();
    }

    /** SPI frames this driver has shifted since construction (frame-economy measurements). */
    public long framesSent() {
        return batch.framesSent();
    }

    // ------------------------------------------------------------------------------------------------
    // Bring-up

    /**
     * Resets the chip (hardware reset when the line is wired, then soft reset), checks that a W5100
     * answers, and writes {@code config}. Bounded: returns or throws within about half a second of
     * clock time. Any sockets previously handed out are dead afterwards.
     *
     * @throws ChipDetectionException with a {@link ChipDetectionException.Diagnosis} when no working W5100 answers
     */
    public void bringUp(NetworkConfig config) {
        for (int s = 0; s < SOCKETS; s++) {
            if (owners[s] != null) {
                owners[s].detach(SocketFailure.RESET);
                owners[s] = null;
            }
        }
        if (resetLine != ResetLine.NOT_WIRED) {
            hardwareReset();
        }
        softReset();
        detect();
        configure(config);
    }

    private void hardwareReset() {
        resetLine.assertReset(true);
        waitFor(RESET_PULSE_NANOS);
        resetLine.assertReset(false);
        waitFor(RESET_SETTLE_NANOS);
    }

    /** Lets {@code nanos} of clock time pass, idling. */
    private void waitFor(long nanos) {
        long deadline = clock.nanoTime() + nanos;
        clock.progress(); // a new wait: start at the spinning end
        for (int polls = 0; polls < MAX_POLLS && clock.nanoTime() - deadline < 0; polls++) {
            clock.idleUntil(deadline);
        }
    }

    private void softReset() {
        batch.write(MR, MR_RST);
        batch.run();
        long deadline = clock.nanoTime() + RESET_TIMEOUT_NANOS;
        clock.progress(); // a new wait: start at the spinning end
        boolean sawOnlyFf = true;
        for (int polls = 0; polls < MAX_POLLS; polls++) {
            int i = batch.read(MR);
            batch.run();
            int mr = batch.value(i);
            if ((mr & MR_RST) == 0) {
                return;
            }
            sawOnlyFf &= mr == 0xFF;
            if (clock.nanoTime() - deadline >= 0) {
                break;
            }
            clock.idleUntil(deadline);
        }
        if (sawOnlyFf) {
            throw new ChipDetectionException(ChipDetectionException.Diagnosis.MISO_NOT_CONNECTED, "MR read 0xFF");
        }
        throw new ChipDetectionException(ChipDetectionException.Diagnosis.RESET_STUCK, "");
    }

    /**
     * The W5100 has no version register. We read the registers with known reset values, rule out a
     * dead MISO line (all 0xFF / all 0x00), check like Arduino that written values read back, then like
     * Linux (RTR reads 0x07D0) that the reset values are there; every failing pattern gets its own
     * diagnosis.
     */
    private void detect() {
        int mr = batch.read(MR);
        int rtr = batch.read(RTR);
        batch.read(RTR + 1);
        int rcr = batch.read(RCR);
        int rmsr = batch.read(RMSR);
        int tmsr = batch.read(TMSR);
        batch.run();
        int vMr = batch.value(mr);
        int vRtr = batch.value16(rtr);
        int vRcr = batch.value(rcr);
        int vRmsr = batch.value(rmsr);
        int vTmsr = batch.value(tmsr);
        String seen = "MR=" + hex(vMr) + " RTR=" + hex(vRtr) + " RCR=" + hex(vRcr)
                + " RMSR=" + hex(vRmsr) + " TMSR=" + hex(vTmsr);
        if (vMr == 0xFF && vRtr == 0xFFFF && vRcr == 0xFF && vRmsr == 0xFF && vTmsr == 0xFF) {
            throw new ChipDetectionException(ChipDetectionException.Diagnosis.MISO_NOT_CONNECTED, seen);
        }
        if (vMr == 0 && vRtr == 0 && vRcr == 0 && vRmsr == 0 && vTmsr == 0) {
            throw new ChipDetectionException(ChipDetectionException.Diagnosis.ALL_ZERO, seen);
        }
        // Read-back: patterns with alternating and single bits catch a shifted or sampled-late bit.
        // GAR is overwritten by configure() right after, so the scratch use costs nothing.
        final int[] patterns = {0xA5, 0x5A, 0x01, 0x80};
        for (int k = 0; k < patterns.length; k++) {
            batch.write(GAR + k, patterns[k]);
        }
        int first = batch.read(GAR);
        for (int k = 1; k < patterns.length; k++) {
            batch.read(GAR + k);
        }
        batch.run();
        for (int k = 0; k < patterns.length; k++) {
            int got = batch.value(first + k);
            if (got != patterns[k]) {
                throw new ChipDetectionException(ChipDetectionException.Diagnosis.READBACK_MISMATCH,
                        "wrote " + hex(patterns[k]) + " to GAR+" + k + ", read " + hex(got));
            }
        }
        // Only now: a bus that garbles writes would also fake a reset that never happened.
        if (vMr != 0 || vRtr != RTR_RESET || vRcr != RCR_RESET || vRmsr != MSR_RESET || vTmsr != MSR_RESET) {
            throw new ChipDetectionException(ChipDetectionException.Diagnosis.WRONG_RESET_VALUES, seen);
        }
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v).toUpperCase();
    }

    /** Writes the network configuration (one bus transfer). Sockets must be closed. */
    public void configure(NetworkConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        batch.write(MR, config.pingBlock() ? MR_PB : 0);
        for (int k = 0; k < 4; k++) {
            batch.write(GAR + k, config.gateway() >>> (24 - 8 * k));
        }
        for (int k = 0; k < 4; k++) {
            batch.write(SUBR + k, config.subnet() >>> (24 - 8 * k));
        }
        for (int k = 0; k < 6; k++) {
            batch.write(SHAR + k, (int) (config.mac() >>> (40 - 8 * k)));
        }
        for (int k = 0; k < 4; k++) {
            batch.write(SIPR + k, config.ip() >>> (24 - 8 * k));
        }
        batch.write16(RTR, config.retryTime100us());
        batch.write(RCR, config.retryCount());
        batch.write(RMSR, config.memory().rxCode());
        batch.write(TMSR, config.memory().txCode());
        if (interrupts) {
            batch.write(IMR, imr);
        }
        batch.run();
        this.config = config;
        this.sipr = config.ip();
        this.subr = config.subnet();
        this.gar = config.gateway();
    }

    /**
     * Rewrites only the address registers (GAR, SUBR, SIPR; one bus transfer, 12 frames) while sockets
     * stay open: what a DHCP client does when it gets, renews into a new, or loses a lease.
     * {@code ip} 0 means unaddressed: only broadcasts should be sent then (datasheet errata: ARP with
     * source IP 0.0.0.0 misbehaves). Writes nothing when the values are those already written, so a
     * renewal that keeps its lease costs no frames here. Allocates nothing.
     */
    public void setAddress(int ip, int subnet, int gateway) {
        requireConfigured();
        if (ip == -1) {
            throw new IllegalArgumentException("own IP must not be the broadcast address 255.255.255.255");
        }
        if (ip == sipr && subnet == subr && gateway == gar) {
            return;
        }
        for (int k = 0; k < 4; k++) {
            batch.write(GAR + k, gateway >>> (24 - 8 * k));
        }
        for (int k = 0; k < 4; k++) {
            batch.write(SUBR + k, subnet >>> (24 - 8 * k));
        }
        for (int k = 0; k < 4; k++) {
            batch.write(SIPR + k, ip >>> (24 - 8 * k));
        }
        batch.run();
        sipr = ip;
        subr = subnet;
        gar = gateway;
    }

    /** SIPR as last written: the configured address, the leased one, or 0 while unaddressed. */
    public int address() {
        return sipr;
    }

    // ------------------------------------------------------------------------------------------------
    // Health and diagnosis

    /**
     * Whether the chip still holds the configuration written by the last {@link #bringUp}/{@link #configure}:
     * reads SIPR and SUBR (8 frames, one transfer) and compares. A chip that lost power or was reset
     * reads zeros, a dead MISO line reads 0xFF, so either fails ({@link NetworkConfig} refuses 0.0.0.0
     * and 255.255.255.255 as own IP). Allocation-free; a bus error counts
     * as not responding rather than propagating.
     *
     * @return {@code false} before bring-up, or when the chip does not answer with its configuration
     */
    public boolean configurationIntact() {
        if (config == null) {
            return false;
        }
        try {
            int first = batch.read(SIPR);
            for (int k = 1; k < 4; k++) {
                batch.read(SIPR + k);
            }
            int subnet = batch.read(SUBR);
            for (int k = 1; k < 4; k++) {
                batch.read(SUBR + k);
            }
            int mac = -1;
            if (sipr == 0) {
                // Unaddressed (DHCP between leases): a reset chip also reads SIPR 0, so the MAC tells.
                mac = batch.read(SHAR);
                for (int k = 1; k < 6; k++) {
                    batch.read(SHAR + k);
                }
            }
            batch.run();
            if (mac >= 0) {
                long got = 0;
                for (int k = 0; k < 6; k++) {
                    got = (got << 8) | batch.value(mac + k);
                }
                if (got != config.mac()) {
                    return false;
                }
            }
            return value32(first) == sipr && value32(subnet) == subr;
        } catch (SpiException e) {
            return false;
        }
    }

    private int value32(int index) {
        return (batch.value(index) << 24) | (batch.value(index + 1) << 16)
                | (batch.value(index + 2) << 8) | batch.value(index + 3);
    }

    /**
     * Reads {@code len} consecutive bytes of the chip's address space (registers or buffer memory,
     * 0x0000..0x7FFF) into {@code dst}, for diagnosis dumps. Never writes; reading has no side effect
     * on the W5100. Bounded: at most {@link #CHUNK_BYTES} frames per bus transfer.
     */
    public void readRegisters(int address, byte[] dst, int off, int len) {
        if (address < 0 || len < 0 || address > 0x8000 || len > 0x8000 - address) {
            throw new IllegalArgumentException("address range 0x" + Integer.toHexString(address)
                    + "+" + len + " is outside 0x0000..0x7FFF");
        }
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, CHUNK_BYTES);
            int first = batch.read(address + done);
            for (int k = 1; k < n; k++) {
                batch.read(address + done + k);
            }
            batch.run();
            for (int k = 0; k < n; k++) {
                dst[off + done + k] = (byte) batch.value(first + k);
            }
            done += n;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Sockets

    /**
     * Opens a TCP socket on a free slot with an ephemeral local port (state INIT), ready for
     * {@link TcpSocket#connectStart}. Allocates the handle (not a hot path).
     *
     * @throws W5100Exception if all four sockets are in use or the chip does not open it
     */
    public TcpSocket openTcp() {
        requireConfigured();
        int slot = freeSlot();
        TcpSocket socket = new TcpSocket(this, slot, config.memory());
        open(socket, Sn_MR_TCP, ephemeralPort(), SOCK_INIT);
        return socket;
    }

    /**
     * Opens a TCP socket on {@code localPort} and puts it in LISTEN (server side); poll
     * {@link TcpSocket#acceptPoll()} until a client has connected. Allocates the handle.
     *
     * @throws W5100Exception if all four sockets are in use or the chip does not listen
     */
    public TcpSocket listenTcp(int localPort) {
        requireConfigured();
        if (localPort < 1 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535: " + localPort);
        }
        int slot = freeSlot();
        TcpSocket socket = new TcpSocket(this, slot, config.memory());
        open(socket, Sn_MR_TCP, localPort, SOCK_INIT);
        socket.listen();
        return socket;
    }

    /**
     * Puts a listening socket handle that has closed (after serving a connection, or after a failure or
     * a chip reset) back into LISTEN on the same hardware socket and port, without allocating: a server
     * that keeps its handle holds its own socket. Returns false, doing nothing, when the handle is still
     * open or its hardware socket was handed to someone else in the meantime.
     *
     * @throws W5100Exception if the chip does not open the socket (it is left CLOSED)
     */
    public boolean relisten(TcpSocket socket) {
        requireConfigured();
        if (socket.driver != this || socket.open || owners[socket.slot] != null) {
            return false;
        }
        socket.resetForReuse();
        open(socket, Sn_MR_TCP, socket.localPort, SOCK_INIT);
        socket.listen();
        return true;
    }

    /**
     * Opens a UDP socket on {@code localPort} (0 = ephemeral).
     *
     * @throws W5100Exception if all four sockets are in use or the chip does not open it
     */
    public UdpSocket openUdp(int localPort) {
        requireConfigured();
        if (localPort < 0 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535: " + localPort);
        }
        int slot = freeSlot();
        UdpSocket socket = new UdpSocket(this, slot, config.memory());
        open(socket, Sn_MR_UDP, localPort == 0 ? ephemeralPort() : localPort, SOCK_UDP);
        return socket;
    }

    /** Sockets currently handed out (0..4). */
    public int socketsInUse() {
        int n = 0;
        for (W5100Socket s : owners) {
            if (s != null) {
                n++;
            }
        }
        return n;
    }

    private void requireConfigured() {
        if (config == null) {
            throw new IllegalStateException("bringUp() first");
        }
    }

    private int freeSlot() {
        for (int s = 0; s < SOCKETS; s++) {
            if (owners[s] == null && config.memory().txBytes(s) > 0 && config.memory().rxBytes(s) > 0) {
                return s;
            }
        }
        throw new W5100Exception("no free W5100 socket (all in use or without buffer memory)");
    }

    private int ephemeralPort() {
        for (int tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
            int port = nextEphemeral;
            nextEphemeral = port == EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
            boolean used = false;
            for (W5100Socket s : owners) {
                used |= s != null && s.localPort == port;
            }
            if (!used) {
                return port;
            }
        }
        throw new W5100Exception("no free ephemeral port");
    }

    private void open(W5100Socket socket, int protocol, int port, int expectedState) {
        int s = socket.slot;
        // Make sure the slot is really closed (a previous owner may have been cut off by a reset).
        if (!socket.command(CLOSE)) {
            throw new W5100Exception("W5100 socket " + s + " does not accept CLOSE (Sn_CR stuck)");
        }
        batch.write(socketRegister(s, Sn_IR), 0xFF);
        batch.write(socketRegister(s, Sn_MR), protocol);
        batch.write16(socketRegister(s, Sn_PORT), port);
        if (!socket.command(OPEN)) {
            socket.command(CLOSE); // the chip may still take OPEN late; leave the slot CLOSED either way
            throw new W5100Exception("W5100 socket " + s + " does not accept OPEN (Sn_CR stuck)");
        }
        long deadline = clock.nanoTime() + COMMAND_TIMEOUT_NANOS;
        clock.progress(); // a new wait: start at the spinning end
        int sr = -1;
        for (int polls = 0; polls < MAX_POLLS; polls++) {
            int i = batch.read(socketRegister(s, Sn_SR));
            batch.run();
            sr = batch.value(i);
            if (sr == expectedState || clock.nanoTime() - deadline >= 0) {
                break;
            }
            clock.idleUntil(deadline);
        }
        if (sr != expectedState) {
            socket.command(CLOSE);
            throw new W5100Exception("W5100 socket " + s + " did not open (Sn_SR=" + hex(sr) + ")");
        }
        socket.attach(port);
        owners[s] = socket;
        if (interrupts) {
            writeImr(imr | (1 << s));
        }
    }

    /** Re-opens a live UDP handle on another local port (CLOSE, Sn_PORT, OPEN); no allocation. */
    void reopenUdp(UdpSocket socket, int localPort) {
        open(socket, Sn_MR_UDP, localPort == 0 ? ephemeralPort() : localPort, SOCK_UDP);
    }

    /** Called by a socket when it returned to CLOSED and gave up its slot. */
    void release(W5100Socket socket) {
        if (owners[socket.slot] == socket) {
            owners[socket.slot] = null;
            if (interrupts && (imr & (1 << socket.slot)) != 0) {
                writeImr(imr & ~(1 << socket.slot));
            }
        }
    }
}
