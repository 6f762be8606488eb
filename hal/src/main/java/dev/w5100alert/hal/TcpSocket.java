package dev.w5100alert.hal;

import static dev.w5100alert.hal.W5100Registers.*;

/**
 * A TCP client connection on one W5100 socket.
 *
 * <p>Non-blocking core, for a state machine that polls:
 * <pre>
 *   TcpSocket s = driver.openTcp();
 *   s.connectStart(Ipv4.parse("192.168.1.20"), 25, 10_000_000_000L);
 *   ConnectOutcome o;  while ((o = s.connectPoll()) == ConnectOutcome.IN_PROGRESS) { ...other work... }
 *   int n = s.send(buf, off, len);      // bytes taken (0 = no room yet), or FAILED
 *   int r = s.receive(buf, off, len);   // bytes read (0 = nothing yet), EOF, or FAILED
 *   s.close(2_000_000_000L);            // graceful, bounded; always ends in CLOSED
 * </pre>
 * Blocking conveniences ({@link #connect}, {@link #sendFully}, {@link #receive(byte[], int, int, long)},
 * {@link #flush}) poll the same calls against a deadline, idling on the driver's clock.
 *
 * <p>Guarantees: {@code send}/{@code receive} allocate nothing; each call does a bounded amount of
 * SPI work; failures are reported as return codes plus {@link #failure()}, never as exceptions
 * (exceptions mean a programming error such as a bad array range). Any failure returns the hardware
 * socket to CLOSED and frees it. Not thread-safe.
 */
public final class TcpSocket extends W5100Socket {

    /** {@link #receive} result: the peer closed its side and every byte has been read. */
    public static final int EOF = -1;

    private static final int PHASE_OPENED = 0;
    private static final int PHASE_CONNECTING = 1;
    private static final int PHASE_CONNECTED = 2;
    private static final int PHASE_LISTENING = 3;

    private int phase = PHASE_OPENED;
    private long connectDeadline;
    private boolean sawSynSent;
    /** Clock reading taken just before the latest transfer that found the chip not yet in SYNSENT. */
    private long preSynSeenAt;
    private boolean sendPending;
    private long sendOkDeadline;
    private boolean peerClosed;
    private int remoteIp;
    private int remotePort;

    TcpSocket(W5100Driver driver, int slot, MemorySplit memory) {
        super(driver, slot, memory);
    }

    /**
     * Starts connecting to {@code ip:port} (one SPI transfer). The attempt ends, at the latest, when
     * {@code timeoutNanos} of clock time have passed.
     *
     * @throws IllegalStateException if the socket is not freshly opened
     */
    public void connectStart(int ip, int port, long timeoutNanos) {
        if (!open || phase != PHASE_OPENED) {
            throw new IllegalStateException("connectStart needs a freshly opened socket");
        }
        if (port < 1 || port > 0xFFFF || ip == 0 || ip == -1) {
            throw new IllegalArgumentException("bad destination " + Ipv4.format(ip) + ":" + port);
        }
        for (int k = 0; k < 4; k++) {
            batch.write(regDipr + k, ip >>> (24 - 8 * k));
        }
        batch.write16(regDport, port);
        remoteIp = ip;
        remotePort = port;
        preSynSeenAt = clock.nanoTime();
        connectDeadline = preSynSeenAt + Math.max(0, timeoutNanos);
        phase = PHASE_CONNECTING;
        if (!command(CONNECT)) {
            terminate(SocketFailure.CHIP_ERROR);
        }
    }

    /**
     * Checks how the connect attempt stands (two SPI frames per poll while in progress). Once it
     * returns a final outcome other than {@link ConnectOutcome#CONNECTED}, the socket is CLOSED and
     * its slot free.
     */
    public ConnectOutcome connectPoll() {
        if (phase == PHASE_CONNECTED && open) {
            return ConnectOutcome.CONNECTED;
        }
        if (!open) {
            return outcomeOf(failure);
        }
        if (phase != PHASE_CONNECTING) {
            throw new IllegalStateException("connectStart first");
        }
        int ir = batch.read(regIr);
        int sr = batch.read(regSr);
        long before = clock.nanoTime();
        batch.run();
        int irValue = batch.value(ir);
        int srValue = batch.value(sr);
        switch (srValue) {
            case SOCK_ESTABLISHED, SOCK_CLOSE_WAIT -> {
                established(false);
                return ConnectOutcome.CONNECTED;
            }
            case SOCK_SYNSENT -> sawSynSent = true;
            case SOCK_CLOSED -> {
                // Without TIMEOUT the chip closed because the peer answered RST.
                SocketFailure why = (irValue & IR_TIMEOUT) == 0 ? SocketFailure.REFUSED
                        : arpFailed() ? SocketFailure.UNREACHABLE : SocketFailure.TIMED_OUT;
                terminate(why);
                return outcomeOf(why);
            }
            default -> preSynSeenAt = before; // INIT or ARP: no SYN has gone out yet
        }
        if (clock.nanoTime() - connectDeadline >= 0) {
            terminate(SocketFailure.TIMED_OUT);
            return ConnectOutcome.TIMED_OUT;
        }
        return ConnectOutcome.IN_PROGRESS;
    }

    /**
     * Whether a TIMEOUT that closed a connecting socket came from ARP rather than from SYN retries.
     * The chip has no register that says so; what we know is that a SYN phase ending in TIMEOUT lasts
     * at least RTR x (RCR+1) (every try waits RTR or longer). So the close was ARP's for certain only
     * if SYNSENT was never seen <em>and</em> the chip was seen before SYN (INIT/ARP) less than that
     * time before it was seen CLOSED: no SYN phase fits in between. With polls further apart (a
     * caller that polls rarely, a very slow bus, a tiny RTR) both are possible and we say TIMED_OUT
     * rather than guess UNREACHABLE.
     */
    private boolean arpFailed() {
        return !sawSynSent && clock.nanoTime() - preSynSeenAt < driver.config().arpGiveUpNanos();
    }

    private void established(boolean readPeer) {
        batch.write(regIr, IR_CON);
        int ip = -1;
        if (readPeer) {
            ip = batch.read(regDipr);
            for (int k = 1; k < 6; k++) {
                batch.read(regDipr + k); // Sn_DIPR then Sn_DPORT, adjacent
            }
        }
        loadPointers();
        if (readPeer) {
            remoteIp = batch.value(ip) << 24 | batch.value(ip + 1) << 16 | batch.value(ip + 2) << 8 | batch.value(ip + 3);
            remotePort = batch.value16(ip + 4);
        }
        phase = PHASE_CONNECTED;
    }

    /** Puts a freshly opened socket into LISTEN (called by {@link W5100Driver#listenTcp}). */
    void listen() {
        phase = PHASE_LISTENING;
        if (!command(LISTEN)) {
            terminate(SocketFailure.CHIP_ERROR);
            throw new W5100Exception("W5100 socket " + slot + " does not accept LISTEN (Sn_CR stuck)");
        }
        int i = batch.read(regSr);
        batch.run();
        int state = batch.value(i);
        // A client already waiting (in the simulator's backlog, or a SYN arriving at once) moves LISTEN on
        // before the first read: that is a listening socket that has a connection, not a failure.
        if (state != SOCK_LISTEN && state != SOCK_SYNRECV && state != SOCK_ESTABLISHED && state != SOCK_CLOSE_WAIT) {
            int sr = batch.value(i);
            terminate(SocketFailure.CHIP_ERROR);
            throw new W5100Exception("W5100 socket " + slot + " did not enter LISTEN (Sn_SR=0x" + Integer.toHexString(sr) + ")");
        }
    }

    /**
     * For a socket from {@link W5100Driver#listenTcp}: has a client connected? Two SPI frames per poll
     * while waiting; {@link ConnectOutcome#CONNECTED} once established ({@link #remoteIp()} and
     * {@link #remotePort()} then name the client). If the chip drops a half-open connection the socket
     * ends CLOSED with {@link ConnectOutcome#TIMED_OUT}. One listening socket serves one connection.
     */
    public ConnectOutcome acceptPoll() {
        if (phase == PHASE_CONNECTED && open) {
            return ConnectOutcome.CONNECTED;
        }
        if (!open) {
            return outcomeOf(failure);
        }
        if (phase != PHASE_LISTENING) {
            throw new IllegalStateException("acceptPoll needs a socket from listenTcp");
        }
        int sr = batch.read(regSr);
        batch.run();
        switch (batch.value(sr)) {
            case SOCK_ESTABLISHED, SOCK_CLOSE_WAIT -> {
                established(true);
                return ConnectOutcome.CONNECTED;
            }
            case SOCK_CLOSED -> {
                terminate(SocketFailure.TIMED_OUT);
                return ConnectOutcome.TIMED_OUT;
            }
            default -> {
                return ConnectOutcome.IN_PROGRESS;
            }
        }
    }

    /** Clears what one connection left behind, so {@link W5100Driver#relisten} can reuse this handle. */
    void resetForReuse() {
        failure = SocketFailure.NONE;
        phase = PHASE_OPENED;
        sawSynSent = false;
        sendPending = false;
        peerClosed = false;
        remoteIp = 0;
        remotePort = 0;
    }

    /**
     * Non-blocking: has the chip confirmed the last SEND (SEND_OK)? One SPI frame while it has not, two
     * more when it just did. A socket whose SEND_OK deadline passes fails ({@link #FAILED} semantics:
     * returns false and the socket is CLOSED).
     */
    public boolean sendConfirmed() {
        if (!open || phase != PHASE_CONNECTED) {
            return false;
        }
        if (!sendPending) {
            return true;
        }
        int ir = pollSendOk();
        if (!sendPending) {
            return true;
        }
        if (!absorbInterrupts(ir)) {
            return false;
        }
        if (clock.nanoTime() - sendOkDeadline >= 0) {
            terminate(SocketFailure.TIMED_OUT);
        }
        return false;
    }

    /**
     * Reads Sn_IR once; when SEND_OK is set, clears it (writing 1, as the datasheet says) and ends the pending
     * send. Returns Sn_IR as read, for the caller to look at the other bits.
     */
    private int pollSendOk() {
        int ir = readIrTakingSendOk();
        if ((ir & IR_SEND_OK) != 0) {
            sendPending = false;
        }
        return ir;
    }

    /**
     * Non-blocking half of {@link #close(long)}: issues DISCON (FIN) once the caller has seen
     * {@link #sendConfirmed()}; poll {@link #state()} for CLOSED and call {@link #abort()} at the
     * caller's deadline. Returns false (and the socket is CLOSED) if the chip did not take the command.
     */
    public boolean disconnectStart() {
        if (!open || phase != PHASE_CONNECTED) {
            return false;
        }
        if (!command(DISCON)) {
            terminate(SocketFailure.CHIP_ERROR);
            return false;
        }
        return true;
    }

    /** Peer address: the destination of a client, or the client of a listening socket once connected. */
    public int remoteIp() {
        return remoteIp;
    }

    /** Peer port (see {@link #remoteIp()}). */
    public int remotePort() {
        return remotePort;
    }

    private static ConnectOutcome outcomeOf(SocketFailure f) {
        return switch (f) {
            case NONE -> ConnectOutcome.IN_PROGRESS;
            case UNREACHABLE -> ConnectOutcome.UNREACHABLE;
            case REFUSED, RESET -> ConnectOutcome.REFUSED;
            case TIMED_OUT -> ConnectOutcome.TIMED_OUT;
            case CHIP_ERROR -> ConnectOutcome.CHIP_ERROR;
        };
    }

    /** Blocking connect: {@link #connectStart} then {@link #connectPoll} until final or the deadline. */
    public ConnectOutcome connect(int ip, int port, long timeoutNanos) {
        connectStart(ip, port, timeoutNanos);
        clock.progress();
        for (int polls = 0; polls < W5100Driver.MAX_POLLS; polls++) {
            ConnectOutcome o = connectPoll();
            if (o.isFinal()) {
                return o;
            }
            clock.idleUntil(connectDeadline);
        }
        terminate(SocketFailure.TIMED_OUT);
        return ConnectOutcome.TIMED_OUT;
    }

    /** True once connected and not yet failed or closed. */
    public boolean isConnected() {
        return open && phase == PHASE_CONNECTED;
    }

    /** True once the peer has closed its sending side (FIN seen); sending may still work. */
    public boolean peerClosed() {
        return peerClosed;
    }

    /**
     * Copies as much of {@code src[off, off+len)} as the chip's TX buffer has room for and issues one
     * SEND for it. Never waits: while the previous SEND is not yet confirmed (SEND_OK), returns 0
     * after reading one register. Costs about {@code n + 10} SPI frames for n bytes taken (one more
     * to clear the previous SEND_OK).
     *
     * @return bytes taken (0 = try again later), or {@link #FAILED}
     */
    public int send(byte[] src, int off, int len) {
        checkRange(src, off, len);
        if (!checkConnected()) {
            return FAILED;
        }
        // While a SEND is unconfirmed the free size is not needed yet: a poll that finds no SEND_OK
        // costs one frame (Sn_IR), not five.
        int irIndex = batch.read(regIr);
        int fsrIndex = sendPending ? -1 : queueCounterReads(regTxFsr);
        batch.run();
        int ir = batch.value(irIndex);
        int fsr = sendPending ? 0 : stableCounter(fsrIndex, regTxFsr);
        if (!absorbInterrupts(ir)) {
            return FAILED;
        }
        if (sendPending) {
            if ((ir & IR_SEND_OK) == 0) {
                batch.run();
                if (clock.nanoTime() - sendOkDeadline >= 0) {
                    terminate(SocketFailure.TIMED_OUT);
                    return FAILED;
                }
                return 0;
            }
            // Datasheet: the next SEND only after SEND_OK, which is cleared first.
            sendPending = false;
            batch.write(regIr, IR_SEND_OK);
            int i = queueCounterReads(regTxFsr);
            batch.run();
            fsr = stableCounter(i, regTxFsr);
        }
        int n = Math.min(len, fsr);
        if (n == 0) {
            batch.run();
            return 0;
        }
        if (!writeAndSend(src, off, n)) {
            terminate(SocketFailure.CHIP_ERROR);
            return FAILED;
        }
        sendPending = true;
        sendOkDeadline = clock.nanoTime() + driver.config().tcpGiveUpNanos() + W5100Driver.COMMAND_TIMEOUT_NANOS;
        return n;
    }

    /**
     * Acts on DISCON/TIMEOUT bits seen in Sn_IR: a peer FIN (socket in CLOSE_WAIT) only marks the peer
     * closed; a socket gone CLOSED is a failure. Clearing writes are queued for the next transfer.
     */
    private boolean absorbInterrupts(int ir) {
        if ((ir & (IR_DISCON | IR_TIMEOUT)) == 0) {
            return true;
        }
        int i = batch.read(regSr);
        batch.run();
        int sr = batch.value(i);
        if (sr == SOCK_CLOSED) {
            terminate((ir & IR_TIMEOUT) != 0 ? SocketFailure.TIMED_OUT : SocketFailure.RESET);
            return false;
        }
        peerClosed = true;
        batch.write(regIr, ir & (IR_DISCON | IR_TIMEOUT));
        return true;
    }

    private boolean checkConnected() {
        if (open && phase == PHASE_CONNECTED) {
            return true;
        }
        if (!open && failure != SocketFailure.NONE) {
            return false;
        }
        throw new IllegalStateException(open ? "not connected yet" : "socket is closed");
    }

    /**
     * Reads what the chip has received, up to {@code len} bytes, and frees that room (RECV). Never
     * waits. Costs 3 SPI frames per poll that finds nothing (4 with /INT wired), plus about
     * {@code n + 6} for n bytes read.
     *
     * @return bytes read (0 = nothing yet), {@link #EOF} once the peer closed and all data was read,
     *         or {@link #FAILED}
     */
    public int receive(byte[] dst, int off, int len) {
        checkRange(dst, off, len);
        if (!checkConnected()) {
            return FAILED;
        }
        if (driver.interruptsWired()) {
            // Datasheet 4.2, Sn_IR: the bit stays set (and /INT low) until written 1; clear RECV before
            // reading RSR, so data arriving after the read sets it, and pulls /INT, again.
            batch.write(regIr, IR_RECV);
        }
        // Sn_SR first: data that arrived before a FIN or RST is then counted by the RSR read after it.
        int srIndex = batch.read(regSr);
        int rsrIndex = batch.read(regRxRsr);
        batch.read(regRxRsr + 1);
        batch.run();
        int sr = batch.value(srIndex);
        int rsr = batch.value16(rsrIndex);
        // An idle poll costs 3 frames: a zero RSR is taken as "nothing yet" (a read torn by an update can
        // only delay data to the next poll), unless the socket is closing, where it would end the stream.
        if (rsr != 0 || sr == SOCK_CLOSE_WAIT || sr == SOCK_CLOSED) {
            rsr = confirmCounter(rsr, regRxRsr);
        }
        if (rsr == 0) {
            if (sr == SOCK_CLOSE_WAIT) {
                peerClosed = true;
                return EOF;
            }
            if (sr == SOCK_CLOSED) {
                int i = batch.read(regIr);
                batch.run();
                terminate((batch.value(i) & IR_TIMEOUT) != 0 ? SocketFailure.TIMED_OUT : SocketFailure.RESET);
                return FAILED;
            }
            return 0;
        }
        int n = Math.min(rsr, len);
        if (n == 0) {
            return 0;
        }
        if (!readAndRelease(0, dst, off, n, n)) {
            terminate(SocketFailure.CHIP_ERROR);
            return FAILED;
        }
        return n;
    }

    /**
     * Waits until the last SEND is confirmed (SEND_OK), at most {@code timeoutNanos}.
     *
     * @return true if nothing is left unconfirmed
     */
    public boolean flush(long timeoutNanos) {
        if (!checkConnected()) {
            return false;
        }
        long deadline = clock.nanoTime() + timeoutNanos;
        clock.progress(); // a new wait: start at the spinning end
        for (int polls = 0; sendPending && polls < W5100Driver.MAX_POLLS; polls++) {
            int ir = pollSendOk();
            if (!sendPending) {
                break;
            }
            if (!absorbInterrupts(ir)) {
                return false;
            }
            if (clock.nanoTime() - deadline >= 0) {
                return false;
            }
            clock.idleUntil(deadline);
        }
        return !sendPending;
    }

    /**
     * Blocking send of all of {@code src[off, off+len)}, confirmed by SEND_OK, within {@code timeoutNanos}.
     *
     * @return {@code len}, fewer bytes if the deadline passed first, or {@link #FAILED}
     */
    public int sendFully(byte[] src, int off, int len, long timeoutNanos) {
        checkRange(src, off, len);
        long deadline = clock.nanoTime() + timeoutNanos;
        clock.progress(); // a new wait: start at the spinning end
        int sent = 0;
        for (int polls = 0; sent < len && polls < W5100Driver.MAX_POLLS; polls++) {
            int n = send(src, off + sent, len - sent);
            if (n < 0) {
                return FAILED;
            }
            sent += n;
            if (n == 0) {
                if (clock.nanoTime() - deadline >= 0) {
                    return sent;
                }
                clock.idleUntil(deadline);
            }
        }
        long left = deadline - clock.nanoTime();
        if (!flush(Math.max(0, left))) {
            return open ? sent : FAILED;
        }
        return sent;
    }

    /**
     * Blocking receive: waits until at least one byte, end of stream or a failure, at most
     * {@code timeoutNanos}.
     *
     * @return as {@link #receive(byte[], int, int)}; 0 means the deadline passed with nothing received
     */
    public int receive(byte[] dst, int off, int len, long timeoutNanos) {
        long deadline = clock.nanoTime() + timeoutNanos;
        clock.progress(); // a new wait: start at the spinning end
        for (int polls = 0; polls < W5100Driver.MAX_POLLS; polls++) {
            int n = receive(dst, off, len);
            if (n != 0 || len == 0 || clock.nanoTime() - deadline >= 0) {
                return n;
            }
            clock.idleUntil(deadline);
        }
        return 0;
    }

    /**
     * Graceful close: lets the last SEND finish, sends FIN (DISCON) and waits for CLOSED, all within
     * {@code timeoutNanos}; then issues CLOSE whatever happened, so the socket always ends CLOSED and
     * its slot is free. Safe to call on a failed or closed socket (does nothing).
     *
     * @return true if the connection closed gracefully within the time
     */
    public boolean close(long timeoutNanos) {
        if (!open) {
            return false;
        }
        long deadline = clock.nanoTime() + timeoutNanos;
        clock.progress(); // a new wait: start at the spinning end
        boolean graceful = false;
        if (phase == PHASE_CONNECTED) {
            flush(timeoutNanos);
            if (open && command(DISCON)) {
                for (int polls = 0; polls < W5100Driver.MAX_POLLS; polls++) {
                    int i = batch.read(regSr);
                    batch.run();
                    if (batch.value(i) == SOCK_CLOSED) {
                        graceful = true;
                        break;
                    }
                    if (clock.nanoTime() - deadline >= 0) {
                        break;
                    }
                    clock.idleUntil(deadline);
                }
            }
        }
        terminate(SocketFailure.NONE);
        return graceful;
    }

    /** Immediate CLOSE (no FIN handshake); the slot is free afterwards. */
    public void abort() {
        terminate(SocketFailure.NONE);
    }
}
