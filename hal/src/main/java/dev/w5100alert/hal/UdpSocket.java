package dev.w5100alert.hal;

import static dev.w5100alert.hal.W5100Registers.*;

/**
 * A UDP socket on one W5100 socket.
 *
 * <p>{@link #sendTo} sends one datagram and waits (bounded) for SEND_OK, so the next datagram always
 * finds an empty TX buffer; it never issues a zero-length SEND (datasheet errata: that can lock the
 * chip). {@link #receive} never waits; it parses the chip's 8-byte header (source IP, source port,
 * length) into {@link #sourceIp()}, {@link #sourcePort()} and {@link #datagramLength()}.
 * Neither allocates. Not thread-safe.
 */
public final class UdpSocket extends W5100Socket {

    /** {@link #receive} result: no datagram waiting. */
    public static final int NONE = -1;

    /** Destination currently in Sn_DIPR/Sn_DPORT, so repeated sends skip rewriting it. */
    private int destIp;
    private int destPort = -1;
    private int sourceIp;
    private int sourcePort;
    private int datagramLength;
    private final byte[] header = new byte[UDP_HEADER_BYTES];

    UdpSocket(W5100Driver driver, int slot, MemorySplit memory) {
        super(driver, slot, memory);
    }

    @Override
    void attach(int port) {
        super.attach(port);
        loadPointers();
    }

    /** {@link #sendPoll} result: neither SEND_OK nor an ARP timeout yet. */
    public static final int PENDING = -3;

    /** Length of the datagram {@link #sendStart} put out, while it is pending; 0 otherwise. */
    private int pendingLength;

    /**
     * Sends one datagram of {@code len} (1..TX buffer size) bytes to {@code ip:port} and waits for
     * SEND_OK; an ARP that gets no answer ends it with {@link SocketFailure#UNREACHABLE} (the socket
     * stays open). Bounded by the chip's ARP give-up time plus a margin. If SEND_OK never comes
     * (errata) but the chip has emptied the TX buffer, the datagram counts as sent; if the buffer is
     * not empty either, the socket is closed with {@link SocketFailure#TIMED_OUT}.
     *
     * @return {@code len}, or {@link #FAILED} with {@link #failure()} saying why
     */
    public int sendTo(int ip, int port, byte[] src, int off, int len) {
        int started = sendStart(ip, port, src, off, len);
        if (started < 0) {
            return started;
        }
        long deadline = clock.nanoTime() + sendGiveUpNanos();
        clock.progress(); // a new wait: start at the spinning end
        for (int polls = 0; polls < W5100Driver.MAX_POLLS; polls++) {
            int r = sendPoll();
            if (r != PENDING) {
                return r;
            }
            if (clock.nanoTime() - deadline >= 0) {
                break;
            }
            clock.idleUntil(deadline);
        }
        return sendGiveUp();
    }

    /**
     * Non-blocking half of {@link #sendTo}: writes the datagram, issues SEND and returns; then call
     * {@link #sendPoll} (one SPI frame each) until it is not {@link #PENDING}, and {@link #sendGiveUp}
     * if {@link #sendGiveUpNanos} pass first. What an ARP probe (DHCP's address-in-use check) uses so
     * the loop does not stand still for the chip's ARP give-up time.
     *
     * @return {@code len}, or {@link #FAILED} with {@link #failure()} saying why
     */
    public int sendStart(int ip, int port, byte[] src, int off, int len) {
        checkRange(src, off, len);
        if (len == 0) {
            throw new IllegalArgumentException("zero-length UDP datagrams are not sent (W5100 errata: can lock the chip)");
        }
        if (len > txSize) {
            throw new IllegalArgumentException("datagram of " + len + " bytes exceeds the socket's TX buffer of " + txSize);
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("bad destination port " + port);
        }
        if (!open) {
            if (failure != SocketFailure.NONE) {
                return FAILED;
            }
            throw new IllegalStateException("socket is closed");
        }
        if (pendingLength != 0) {
            throw new IllegalStateException("a datagram is still being sent: sendPoll() first");
        }
        failure = SocketFailure.NONE;
        if (ip != destIp) {
            for (int k = 0; k < 4; k++) {
                batch.write(regDipr + k, ip >>> (24 - 8 * k));
            }
            destIp = ip;
        }
        if (port != destPort) {
            batch.write16(regDport, port);
            destPort = port;
        }
        if (!writeAndSend(src, off, len)) {
            terminate(SocketFailure.CHIP_ERROR);
            return FAILED;
        }
        pendingLength = len;
        return len;
    }

    /**
     * Reads Sn_IR once for the datagram {@link #sendStart} put out.
     *
     * @return its length once SEND_OK came, {@link #PENDING}, or {@link #FAILED} with
     *         {@link SocketFailure#UNREACHABLE} when ARP got no answer (the socket stays open)
     */
    public int sendPoll() {
        if (pendingLength == 0) {
            throw new IllegalStateException("no datagram is being sent");
        }
        if (!open) {
            pendingLength = 0;
            return FAILED;
        }
        int ir = readIrTakingSendOk();
        if ((ir & IR_SEND_OK) != 0) {
            int len = pendingLength;
            pendingLength = 0;
            return len;
        }
        if ((ir & IR_TIMEOUT) != 0) {
            batch.write(regIr, IR_TIMEOUT);
            batch.run();
            // The chip keeps the datagram's bytes "sent": TX_WR stays where we put it.
            destPort = -1; // make the next send rewrite the destination (and retry ARP)
            destIp = 0;
            failure = SocketFailure.UNREACHABLE;
            pendingLength = 0;
            return FAILED;
        }
        return PENDING;
    }

    /** How long a datagram may stay {@link #PENDING}: the chip's ARP give-up time plus a margin. */
    public long sendGiveUpNanos() {
        return driver.config().arpGiveUpNanos() + W5100Driver.COMMAND_TIMEOUT_NANOS * 4;
    }

    /**
     * Ends a datagram that stayed {@link #PENDING} past {@link #sendGiveUpNanos}.
     * Errata: a SEND racing an incoming packet may never get SEND_OK. If the chip has nevertheless
     * taken every byte (free size back to the whole buffer, 4 frames on this rare path), the
     * datagram went out and the socket is fine; otherwise its TX state is unknown, so give it up
     * rather than risk a stuck TX buffer.
     *
     * @return its length if it went out, else {@link #FAILED} ({@link SocketFailure#TIMED_OUT}, socket closed)
     */
    public int sendGiveUp() {
        int len = pendingLength;
        pendingLength = 0;
        if (!open) {
            return FAILED;
        }
        int fsr = queueCounterReads(regTxFsr);
        batch.run();
        if (stableCounter(fsr, regTxFsr) == txSize) {
            return len;
        }
        terminate(SocketFailure.TIMED_OUT);
        return FAILED;
    }

    /**
     * Takes the next waiting datagram: copies up to {@code len} bytes of its data (the rest of a
     * longer datagram is dropped; {@link #datagramLength()} tells its full size) and frees it.
     *
     * @return bytes copied, {@link #NONE} when nothing is waiting, or {@link #FAILED}
     */
    public int receive(byte[] dst, int off, int len) {
        checkRange(dst, off, len);
        if (!open) {
            if (failure != SocketFailure.NONE) {
                return FAILED;
            }
            throw new IllegalStateException("socket is closed");
        }
        if (driver.interruptsWired()) {
            batch.write(regIr, IR_RECV); // as TcpSocket.receive: clear RECV, then read RSR
        }
        int rsrIndex = queueCounterReads(regRxRsr);
        batch.run();
        int rsr = stableCounter(rsrIndex, regRxRsr);
        if (rsr < UDP_HEADER_BYTES) {
            return NONE;
        }
        readAndRelease(0, header, 0, UDP_HEADER_BYTES, -1);
        sourceIp = (header[0] & 0xFF) << 24 | (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
        sourcePort = (header[4] & 0xFF) << 8 | (header[5] & 0xFF);
        int length = (header[6] & 0xFF) << 8 | (header[7] & 0xFF);
        if (length > rsr - UDP_HEADER_BYTES) {
            // A header that claims more than was received means we lost sync with the ring buffer:
            // drop everything the chip holds rather than hand out garbage.
            length = rsr - UDP_HEADER_BYTES;
        }
        datagramLength = length;
        int n = Math.min(length, len);
        if (!readAndRelease(UDP_HEADER_BYTES, dst, off, n, UDP_HEADER_BYTES + length)) {
            terminate(SocketFailure.CHIP_ERROR);
            return FAILED;
        }
        return n;
    }

    /** Source IPv4 address of the datagram last returned by {@link #receive}. */
    public int sourceIp() {
        return sourceIp;
    }

    /** Source port of the datagram last returned by {@link #receive}. */
    public int sourcePort() {
        return sourcePort;
    }

    /** Full data length of the datagram last returned by {@link #receive} (may exceed what was copied). */
    public int datagramLength() {
        return datagramLength;
    }

    /**
     * Moves this open socket to another local port (0 = the next ephemeral one), on the same slot:
     * CLOSE, Sn_PORT, OPEN. A DNS resolver uses it for a fresh source port per query (RFC 5452)
     * without allocating a new handle. Datagrams waiting on the old port are dropped.
     *
     * @throws W5100Exception if the chip does not re-open it (the socket is closed then)
     * @throws IllegalStateException if the socket is closed
     */
    public void rebind(int localPort) {
        if (localPort < 0 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535: " + localPort);
        }
        if (!open) {
            throw new IllegalStateException("socket is closed");
        }
        open = false;
        destIp = 0;
        destPort = -1;
        pendingLength = 0;
        try {
            driver.reopenUdp(this, localPort);
        } catch (W5100Exception e) {
            failure = SocketFailure.CHIP_ERROR;
            driver.release(this);
            throw e;
        }
    }

    /** CLOSE; the slot is free afterwards. Safe to call twice. */
    public void close() {
        terminate(SocketFailure.NONE);
    }
}
