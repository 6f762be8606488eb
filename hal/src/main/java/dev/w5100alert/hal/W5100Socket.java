package dev.w5100alert.hal;

import static dev.w5100alert.hal.W5100Registers.*;

/**
 * One of the W5100's four hardware sockets, as handed out by {@link W5100Driver}. Holds the
 * socket's register addresses, buffer geometry and the pointers the driver already knows, so that
 * hot paths spend few SPI frames and allocate nothing.
 *
 * <p>Once closed (by the caller or by a failure) a handle stays dead; open a new one.
 */
public abstract sealed class W5100Socket permits TcpSocket, UdpSocket {

    /** Returned by data calls when the socket failed; {@link #failure()} says why. */
    public static final int FAILED = -2;

    final W5100Driver driver;
    final FrameBatch batch;
    final Clock clock;
    final int slot;
    final int regMr;
    final int regCr;
    final int regIr;
    final int regSr;
    final int regPort;
    final int regDipr;
    final int regDport;
    final int regTxFsr;
    final int regTxWr;
    final int regRxRsr;
    final int regRxRd;
    final int txBase;
    final int txMask;
    final int txSize;
    final int rxBase;
    final int rxMask;
    final int rxSize;

    int localPort;
    boolean open;
    SocketFailure failure = SocketFailure.NONE;
    /** Sn_TX_WR and Sn_RX_RD as last written by us; the chip only moves them on our commands. */
    int txWr;
    int rxRd;

    W5100Socket(W5100Driver driver, int slot, MemorySplit memory) {
        this.driver = driver;
        this.batch = driver.batch;
        this.clock = driver.clock;
        this.slot = slot;
        this.regMr = socketRegister(slot, Sn_MR);
        this.regCr = socketRegister(slot, Sn_CR);
        this.regIr = socketRegister(slot, Sn_IR);
        this.regSr = socketRegister(slot, Sn_SR);
        this.regPort = socketRegister(slot, Sn_PORT);
        this.regDipr = socketRegister(slot, Sn_DIPR);
        this.regDport = socketRegister(slot, Sn_DPORT);
        this.regTxFsr = socketRegister(slot, Sn_TX_FSR);
        this.regTxWr = socketRegister(slot, Sn_TX_WR);
        this.regRxRsr = socketRegister(slot, Sn_RX_RSR);
        this.regRxRd = socketRegister(slot, Sn_RX_RD);
        this.txSize = memory.txBytes(slot);
        this.rxSize = memory.rxBytes(slot);
        this.txBase = memory.txBase(slot);
        this.rxBase = memory.rxBase(slot);
        this.txMask = txSize - 1;
        this.rxMask = rxSize - 1;
    }

    /** Hardware socket number 0..3. */
    public int socketNumber() {
        return slot;
    }

    /** Local port this socket was opened on. */
    public int localPort() {
        return localPort;
    }

    /** True from open until closed by the caller or by a failure. */
    public boolean isOpen() {
        return open;
    }

    /** Why the socket stopped working, or {@link SocketFailure#NONE}. */
    public SocketFailure failure() {
        return failure;
    }

    /** TX buffer bytes of this socket (the most one send can take). */
    public int txBufferSize() {
        return txSize;
    }

    /** RX buffer bytes of this socket. */
    public int rxBufferSize() {
        return rxSize;
    }

    /**
     * Reads Sn_IR once; when SEND_OK is set, clears it (writing 1, as the datasheet says) so the next SEND may
     * follow. Returns Sn_IR as read, for the caller to look at the other bits.
     */
    int readIrTakingSendOk() {
        int i = batch.read(regIr);
        batch.run();
        int ir = batch.value(i);
        if ((ir & IR_SEND_OK) != 0) {
            batch.write(regIr, IR_SEND_OK);
            batch.run();
        }
        return ir;
    }

    /** Reads Sn_SR (one SPI frame); {@link SocketState#CLOSED} once the handle is dead. */
    public SocketState state() {
        if (!open) {
            return SocketState.CLOSED;
        }
        int i = batch.read(regSr);
        batch.run();
        return SocketState.of(batch.value(i));
    }

    void attach(int port) {
        this.localPort = port;
        this.open = true;
    }

    /** Called when the driver re-runs bring-up: the chip was reset under this handle. */
    void detach(SocketFailure why) {
        open = false;
        if (failure == SocketFailure.NONE) {
            failure = why;
        }
    }

    /** Reads the TX write and RX read pointers once, after the chip has set them up. */
    void loadPointers() {
        int tx = batch.read(regTxWr);
        batch.read(regTxWr + 1);
        int rx = batch.read(regRxRd);
        batch.read(regRxRd + 1);
        batch.run();
        txWr = batch.value16(tx);
        rxRd = batch.value16(rx);
    }

    /** Polls Sn_CR until the chip has taken the last command (reads 0), within the command timeout. */
    boolean awaitCommandAccepted() {
        long deadline = clock.nanoTime() + W5100Driver.COMMAND_TIMEOUT_NANOS;
        clock.progress(); // a new wait: start at the spinning end
        for (int polls = 0; polls < W5100Driver.MAX_POLLS; polls++) {
            int i = batch.read(regCr);
            batch.run();
            if (batch.value(i) == 0) {
                return true;
            }
            if (clock.nanoTime() - deadline >= 0) {
                return false;
            }
            clock.idleUntil(deadline);
        }
        return false;
    }

    /** Writes a command and reads Sn_CR back in the same transfer; polls only if not yet taken. */
    boolean command(int command) {
        batch.write(regCr, command);
        int i = batch.read(regCr);
        batch.run();
        return batch.value(i) == 0 || awaitCommandAccepted();
    }

    /** Queues two reads of a 16-bit counter; returns the index of the first frame. */
    int queueCounterReads(int address) {
        int first = batch.read(address);
        batch.read(address + 1);
        batch.read(address);
        batch.read(address + 1);
        return first;
    }

    /**
     * A 16-bit counter already read once as {@code first}: one more read must agree (the chip may update
     * it between the byte reads), else as {@link #stableCounter}.
     */
    int confirmCounter(int first, int address) {
        int i = batch.read(address);
        batch.read(address + 1);
        batch.run();
        if (batch.value16(i) == first) {
            return first;
        }
        int j = queueCounterReads(address);
        batch.run();
        return stableCounter(j, address);
    }

    /**
     * The value of a 16-bit counter whose four reads start at {@code first} in the last run: the two
     * reads must agree (the chip may update it between the byte reads). Rereads a bounded number of
     * times, then settles for the smaller value, which is the safe side for both free and received size.
     */
    int stableCounter(int first, int address) {
        int a = batch.value16(first);
        int b = batch.value16(first + 2);
        for (int tries = 0; a != b && tries < W5100Driver.STABLE_READ_TRIES; tries++) {
            int i = queueCounterReads(address);
            batch.run();
            a = batch.value16(i);
            b = batch.value16(i + 2);
        }
        return Math.min(a, b);
    }

    /**
     * Copies {@code n} bytes into TX memory at the known write pointer (each byte addressed with the
     * buffer mask, so a copy crossing the end wraps to the buffer base), advances Sn_TX_WR and issues
     * SEND, reading Sn_CR back in the same transfer when the data fits in one.
     *
     * @return false if the chip did not accept SEND
     */
    boolean writeAndSend(byte[] src, int off, int n) {
        int done = 0;
        // Bounded: after a run() the batch is empty and takes CHUNK_BYTES more, so every pass but the
        // first moves at least one byte.
        for (int pass = 0; done < n && pass <= n; pass++) {
            int k = Math.min(n - done, batch.room() - W5100Driver.CONTROL_FRAMES);
            if (k <= 0) {
                batch.run();
                continue;
            }
            int ptr = txWr + done;
            for (int i = 0; i < k; i++) {
                batch.write(txBase + ((ptr + i) & txMask), src[off + done + i]);
            }
            done += k;
            if (done < n) {
                batch.run();
            }
        }
        txWr = (txWr + n) & 0xFFFF;
        batch.write16(regTxWr, txWr);
        return command(SEND);
    }

    /**
     * Reads {@code n} bytes of RX memory starting {@code skip} bytes after the known read pointer into
     * {@code dst} (wrapping at the buffer end). When {@code release >= 0}, the read pointer then moves
     * by {@code release} bytes and RECV is issued in the same transfer as the last data.
     *
     * @return false if the chip did not accept RECV
     */
    boolean readAndRelease(int skip, byte[] dst, int off, int n, int release) {
        int done = 0;
        // Bounded like writeAndSend: every pass after the first moves at least one byte, and the pass
        // that reaches n returns.
        for (int pass = 0; pass <= n + 1; pass++) {
            int k = Math.min(n - done, batch.room() - W5100Driver.CONTROL_FRAMES);
            if (k < 0) {
                batch.run();
                continue;
            }
            int ptr = rxRd + skip + done;
            int first = batch.queued();
            for (int i = 0; i < k; i++) {
                batch.read(rxBase + ((ptr + i) & rxMask));
            }
            boolean last = done + k == n;
            int cr = -1;
            if (last && release >= 0) {
                rxRd = (rxRd + release) & 0xFFFF;
                batch.write16(regRxRd, rxRd);
                batch.write(regCr, RECV);
                cr = batch.read(regCr);
            }
            batch.run();
            batch.copyValues(first, dst, off + done, k);
            done += k;
            if (last) {
                return cr < 0 || batch.value(cr) == 0 || awaitCommandAccepted();
            }
        }
        throw new IllegalStateException("RX copy made no progress"); // not reachable: see the bound above
    }

    /**
     * Returns the socket to CLOSED (CLOSE, interrupt bits cleared) and frees its slot, whatever
     * happened before; records {@code why} unless a failure is already recorded.
     */
    void terminate(SocketFailure why) {
        if (failure == SocketFailure.NONE) {
            failure = why;
        }
        if (!open) {
            return;
        }
        open = false;
        boolean accepted = command(CLOSE);
        batch.write(regIr, 0xFF);
        batch.run();
        if (!accepted && failure == SocketFailure.NONE) {
            failure = SocketFailure.CHIP_ERROR;
        }
        driver.release(this);
    }

    static void checkRange(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + len + ") outside array of " + b.length);
        }
    }
}
