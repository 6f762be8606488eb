package dev.w5100alert.firmware.http;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.SocketState;
import dev.w5100alert.hal.SpiException;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.hal.W5100Exception;

/**
 * {@link ServerLink} over one W5100 hardware socket in LISTEN. The handle is allocated once and reused for
 * every connection ({@link W5100Driver#relisten}), so the status page keeps its own hardware socket: one of
 * the chip's four is taken for as long as the server runs. A bus or chip fault never escapes: the link goes
 * CLOSED and {@link #listen()} tries again (after the board has reset the chip).
 */
public final class W5100ServerLink implements ServerLink {

    private final W5100Driver driver;
    private final int port;
    private TcpSocket socket;
    private boolean disconnecting;
    private String lastProblem;

    public W5100ServerLink(W5100Driver driver, int port) {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        this.driver = driver;
        this.port = port;
    }

    @Override
    public boolean listen() {
        disconnecting = false;
        try {
            if (socket != null) {
                socket.abort();
                if (driver.relisten(socket)) {
                    return true;
                }
            }
            socket = driver.listenTcp(port);
            return true;
        } catch (W5100Exception | SpiException e) {
            // No free socket, or the chip did not take the command: tried again later.
            socket = null;
            lastProblem = e.getMessage();
            return false;
        }
    }

    @Override
    public State poll() {
        if (socket == null || !socket.isOpen()) {
            return State.CLOSED;
        }
        try {
            if (disconnecting) {
                if (socket.state() == SocketState.CLOSED) {
                    socket.abort();
                    return State.CLOSED;
                }
                return State.CONNECTED;
            }
            if (socket.isConnected()) {
                return State.CONNECTED;
            }
            ConnectOutcome o = socket.acceptPoll();
            if (o == ConnectOutcome.CONNECTED) {
                return State.CONNECTED;
            }
            return o == ConnectOutcome.IN_PROGRESS ? State.LISTENING : State.CLOSED;
        } catch (SpiException | W5100Exception e) {
            quietAbort();
            return State.CLOSED;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (socket == null || !socket.isConnected()) {
            return -1;
        }
        try {
            int n = socket.receive(b, off, len);
            return n < 0 ? -1 : n;
        } catch (SpiException | W5100Exception e) {
            quietAbort();
            return -1;
        }
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (socket == null || !socket.isConnected()) {
            return -1;
        }
        try {
            int n = socket.send(b, off, len);
            return n < 0 ? -1 : n;
        } catch (SpiException | W5100Exception e) {
            quietAbort();
            return -1;
        }
    }

    @Override
    public boolean sent() {
        try {
            return socket != null && socket.sendConfirmed();
        } catch (SpiException | W5100Exception e) {
            quietAbort();
            return false;
        }
    }

    @Override
    public void disconnect() {
        try {
            if (socket != null && socket.disconnectStart()) {
                disconnecting = true;
            }
        } catch (SpiException | W5100Exception e) {
            quietAbort();
        }
    }

    @Override
    public void abort() {
        disconnecting = false;
        quietAbort();
    }

    private void quietAbort() {
        if (socket == null) {
            return;
        }
        try {
            socket.abort();
        } catch (SpiException | W5100Exception e) {
            // the handle is closed on our side whatever the chip did; the board's chip check resets it
        }
    }

    /** The hardware socket number in use, or -1 when none is held. */
    public int socketNumber() {
        return socket == null || !socket.isOpen() ? -1 : socket.socketNumber();
    }

    /** Why the latest {@link #listen()} failed (null if none has). */
    public String lastProblem() {
        return lastProblem;
    }

    public int port() {
        return port;
    }
}
