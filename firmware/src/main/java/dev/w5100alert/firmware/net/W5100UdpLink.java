package dev.w5100alert.firmware.net;

import dev.w5100alert.hal.SocketFailure;
import dev.w5100alert.hal.UdpSocket;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.hal.W5100Exception;

/**
 * {@link UdpLink} over one of the W5100's hardware UDP sockets. Re-binding a live socket moves it to
 * the new port on the same slot ({@link UdpSocket#rebind}); only after the socket died (chip reset,
 * device error) does a bind take a new handle from the driver, which allocates once.
 */
public final class W5100UdpLink implements UdpLink {

    private final W5100Driver driver;
    private UdpSocket socket;

    public W5100UdpLink(W5100Driver driver) {
        if (driver == null) {
            throw new IllegalArgumentException("driver is required");
        }
        this.driver = driver;
    }

    @Override
    public boolean bind(int localPort) {
        if (localPort < 1 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535: " + localPort);
        }
        try {
            if (socket != null && socket.isOpen()) {
                if (socket.localPort() != localPort) {
                    socket.rebind(localPort);
                }
            } else {
                socket = driver.openUdp(localPort);
            }
            return true;
        } catch (W5100Exception | IllegalStateException e) {
            // No free slot or a chip that does not take OPEN: the caller retries on its next deadline.
            return false;
        }
    }

    @Override
    public boolean isBound() {
        return socket != null && socket.isOpen();
    }

    @Override
    public int send(int ip, int port, byte[] b, int off, int len) {
        if (!isBound()) {
            return FAILED;
        }
        int n = socket.sendTo(ip, port, b, off, len);
        if (n >= 0) {
            return n;
        }
        return socket.failure() == SocketFailure.UNREACHABLE && socket.isOpen() ? UNREACHABLE : FAILED;
    }

    @Override
    public int sendStart(int ip, int port, byte[] b, int off, int len) {
        if (!isBound()) {
            return FAILED;
        }
        return socket.sendStart(ip, port, b, off, len) >= 0 ? len : FAILED;
    }

    @Override
    public int sendPoll() {
        int r = socket.sendPoll();
        if (r == UdpSocket.PENDING) {
            return PENDING;
        }
        if (r >= 0) {
            return r;
        }
        return socket.failure() == SocketFailure.UNREACHABLE && socket.isOpen() ? UNREACHABLE : FAILED;
    }

    @Override
    public int sendGiveUp() {
        int r = socket.sendGiveUp();
        return r >= 0 ? r : FAILED;
    }

    @Override
    public long sendGiveUpNanos() {
        return socket != null ? socket.sendGiveUpNanos() : 2_000_000_000L;
    }

    @Override
    public int receive(byte[] b, int off, int len) {
        if (!isBound()) {
            return FAILED;
        }
        int n = socket.receive(b, off, len);
        return n == UdpSocket.NONE ? NONE : n < 0 ? FAILED : n;
    }

    @Override
    public int sourceIp() {
        return socket == null ? 0 : socket.sourceIp();
    }

    @Override
    public int sourcePort() {
        return socket == null ? 0 : socket.sourcePort();
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }

    /** Hardware socket number while bound, else -1 (for the socket plan in diagnostics). */
    public int socketNumber() {
        return isBound() ? socket.socketNumber() : -1;
    }
}
