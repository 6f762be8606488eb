package dev.w5100alert.firmware.net;

/**
 * A non-blocking TCP byte channel: what the SMTP engine needs from a network stack, and no more.
 *
 * <p>Implemented over the W5100's hardware TCP socket on the board and over a {@code java.nio}
 * {@link java.nio.channels.SocketChannel} on a host ({@link NioTcpLink}). No method blocks or sleeps; the
 * caller polls and owns all waiting and deadlines. {@link #write} and {@link #read} copy between the
 * caller's arrays and the link's own buffers and must not allocate once connected.
 */
public interface TcpLink {

    /** Where the link is. */
    enum State { CLOSED, CONNECTING, CONNECTED, FAILED }

    /** Why the link failed or closed on its own. */
    enum Failure {
        NONE, REFUSED, TIMEOUT, UNREACHABLE, RESET, IO_ERROR,
        /** The network device itself failed (SPI error, chip not answering): reset it before retrying. */
        DEVICE_ERROR
    }

    /**
     * Starts connecting to {@code ipv4:port} ({@code ipv4} in network order, e.g. 127.0.0.1 is 0x7F000001).
     * Any previous connection is closed first.
     */
    void connect(int ipv4, int port);

    /** Advances and reports the connection state (CONNECTING until established or failed). */
    State poll();

    /**
     * Queues as many of {@code b[off, off+len)} as fit now.
     *
     * @return bytes accepted (0 when the send buffer is full), or -1 when the connection is gone
     */
    int write(byte[] b, int off, int len);

    /**
     * Takes what has arrived.
     *
     * @return bytes copied (0 when nothing is there yet), or -1 when the peer closed or the link failed
     */
    int read(byte[] b, int off, int len);

    /** Closes the connection (idempotent); afterwards {@link #poll()} is CLOSED. */
    void close();

    /** Why the link is FAILED (or NONE). */
    Failure failure();
}
