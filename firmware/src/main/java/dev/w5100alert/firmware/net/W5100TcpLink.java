package dev.w5100alert.firmware.net;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.SocketFailure;
import dev.w5100alert.hal.SpiException;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.hal.W5100Exception;

/**
 * {@link TcpLink} over one of the W5100's hardware TCP sockets, through hal's {@link W5100Driver}.
 *
 * <p>Each call does a bounded amount of SPI work and never waits, except {@link #close()}, which gives the
 * FIN handshake at most {@code closeTimeoutNanos} of clock time (0 = send FIN and free the socket at
 * once). {@code write}/{@code read} allocate nothing; {@code connect} allocates the driver's socket
 * handle, once per session. The chip's own timeouts (ARP, SYN and data retransmission) surface as
 * {@link Failure#UNREACHABLE} / {@link Failure#TIMEOUT}. A bus or chip fault ({@link SpiException},
 * {@link W5100Exception}, a chip that stops taking commands) never escapes as an exception: the link fails
 * with {@link Failure#DEVICE_ERROR}, the engine reports a transient failure, and the board resets the chip.
 */
public final class W5100TcpLink implements TcpLink {

    private final W5100Driver driver;
    private final long connectTimeoutNanos;
    private final long closeTimeoutNanos;
    private TcpSocket socket;
    private State state = State.CLOSED;
    private Failure failure = Failure.NONE;

    /**
     * @param connectTimeoutNanos upper bound the driver enforces on one connect attempt (the engine has its
     *                            own connect deadline too)
     * @param closeTimeoutNanos   how long {@link #close()} may wait for the FIN handshake
     */
    public W5100TcpLink(W5100Driver driver, long connectTimeoutNanos, long closeTimeoutNanos) {
        this.driver = driver;
        this.connectTimeoutNanos = connectTimeoutNanos;
        this.closeTimeoutNanos = closeTimeoutNanos;
    }

    @Override
    public void connect(int ipv4, int port) {
        close();
        failure = Failure.NONE;
        try {
            socket = driver.openTcp();
            socket.connectStart(ipv4, port, connectTimeoutNanos);
            state = State.CONNECTING;
        } catch (W5100Exception | SpiException e) {
            // No free socket, or the chip did not open one: the engine reports CONNECT_FAILED, retried later.
            deviceFault();
        }
    }

    @Override
    public State poll() {
        if (state == State.CONNECTING) {
            ConnectOutcome o;
            try {
                o = socket.connectPoll();
            } catch (W5100Exception | SpiException e) {
                deviceFault();
                return state;
            }
            switch (o) {
                case IN_PROGRESS -> {
                }
                case CONNECTED -> state = State.CONNECTED;
                case UNREACHABLE -> fail(Failure.UNREACHABLE);
                case REFUSED -> fail(Failure.REFUSED);
                case TIMED_OUT -> fail(Failure.TIMEOUT);
                case CHIP_ERROR -> fail(Failure.DEVICE_ERROR);
            }
        }
        return state;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (state != State.CONNECTED) {
            return state == State.CONNECTING ? 0 : -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = socket.send(b, off, len);
        } catch (W5100Exception | SpiException e) {
            deviceFault();
            return -1;
        }
        if (n < 0) {
            fail(map(socket.failure()));
            return -1;
        }
        return n;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (state != State.CONNECTED) {
            return state == State.CONNECTING ? 0 : -1;
        }
        int n;
        try {
            n = socket.receive(b, off, len);
        } catch (W5100Exception | SpiException e) {
            deviceFault();
            return -1;
        }
        if (n == TcpSocket.EOF) {
            close();
            return -1;
        }
        if (n < 0) {
            fail(map(socket.failure()));
            return -1;
        }
        return n;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close(closeTimeoutNanos);
            } catch (W5100Exception | SpiException e) {
                failure = Failure.DEVICE_ERROR; // closing is best effort; the slot dies with the chip reset
            }
            socket = null;
        }
        state = State.CLOSED;
    }

    @Override
    public Failure failure() {
        return failure;
    }

    private void fail(Failure f) {
        failure = f;
        release();
        state = State.FAILED;
    }

    private void deviceFault() {
        failure = Failure.DEVICE_ERROR;
        release();
        state = State.FAILED;
    }

    private void release() {
        if (socket != null) {
            TcpSocket s = socket;
            socket = null;
            try {
                s.abort(); // returns the hardware socket to CLOSED and frees the slot
            } catch (W5100Exception | SpiException e) {
                failure = Failure.DEVICE_ERROR; // the bus is gone; a chip reset frees the slot
            }
        }
    }

    private static Failure map(SocketFailure f) {
        return switch (f) {
            case NONE -> Failure.IO_ERROR;
            case UNREACHABLE -> Failure.UNREACHABLE;
            case REFUSED -> Failure.REFUSED;
            case RESET -> Failure.RESET;
            case TIMED_OUT -> Failure.TIMEOUT;
            case CHIP_ERROR -> Failure.DEVICE_ERROR;
        };
    }
}
