package dev.w5100alert.firmware.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * {@link TcpLink} over a non-blocking {@link SocketChannel} on the host network: lets the same SMTP engine
 * run and be benchmarked without the chip (tests only ever point it at 127.0.0.1).
 *
 * <p>Data passes through two direct buffers allocated at construction, so reads and writes on an open
 * connection allocate nothing; opening a connection does (a channel and an address), once per session.
 */
public final class NioTcpLink implements TcpLink {

    private final ByteBuffer txBuffer;
    private final ByteBuffer rxBuffer;
    private SocketChannel channel;
    private State state = State.CLOSED;
    private Failure failure = Failure.NONE;

    public NioTcpLink() {
        this(4096);
    }

    /** @param bufferBytes size of each of the send and receive staging buffers */
    public NioTcpLink(int bufferBytes) {
        txBuffer = ByteBuffer.allocateDirect(bufferBytes);
        rxBuffer = ByteBuffer.allocateDirect(bufferBytes);
    }

    @Override
    public void connect(int ipv4, int port) {
        close();
        failure = Failure.NONE;
        try {
            byte[] addr = {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            state = channel.connect(new InetSocketAddress(InetAddress.getByAddress(addr), port))
                    ? State.CONNECTED : State.CONNECTING;
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public State poll() {
        if (state == State.CONNECTING) {
            try {
                if (channel.finishConnect()) {
                    state = State.CONNECTED;
                }
            } catch (IOException e) {
                fail(e);
            }
        }
        return state;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (state != State.CONNECTED) {
            return state == State.CONNECTING ? 0 : -1;
        }
        try {
            txBuffer.clear();
            int n = Math.min(len, txBuffer.capacity());
            txBuffer.put(b, off, n).flip();
            return channel.write(txBuffer);
        } catch (IOException e) {
            fail(e);
            return -1;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (state != State.CONNECTED) {
            return state == State.CONNECTING ? 0 : -1;
        }
        try {
            rxBuffer.clear().limit(Math.min(len, rxBuffer.capacity()));
            int n = channel.read(rxBuffer);
            if (n < 0) {
                closeChannel();
                state = State.CLOSED;
                return -1;
            }
            rxBuffer.flip();
            rxBuffer.get(b, off, n);
            return n;
        } catch (IOException e) {
            fail(e);
            return -1;
        }
    }

    @Override
    public void close() {
        closeChannel();
        state = State.CLOSED; // failure() keeps the reason of an earlier failure
    }

    @Override
    public Failure failure() {
        return failure;
    }

    private void fail(Exception e) {
        failure = e instanceof ConnectException ? Failure.REFUSED
                : e instanceof NoRouteToHostException ? Failure.UNREACHABLE
                : e instanceof java.net.SocketException ? Failure.RESET
                : Failure.IO_ERROR;
        closeChannel();
        state = State.FAILED;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a broken socket may fail again; the link is gone either way
            }
            channel = null;
        }
    }
}
