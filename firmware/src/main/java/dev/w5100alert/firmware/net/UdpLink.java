package dev.w5100alert.firmware.net;

/**
 * A non-blocking UDP endpoint: what the DHCP, DNS and SNTP clients need from a network stack.
 *
 * <p>Implemented over one W5100 hardware UDP socket ({@link W5100UdpLink}); tests script it directly.
 * {@link #receive} never waits. {@link #send} may wait only as long as the device's own bounded send
 * takes (on the W5100: until SEND_OK or the chip's ARP give-up). Neither allocates once bound.
 */
public interface UdpLink {

    /** {@link #receive}: nothing waiting. */
    int NONE = -1;
    /** The link failed (device error or reset); {@link #bind} again before further use. */
    int FAILED = -2;
    /** {@link #send}: nobody answered ARP for the destination (or its gateway); the link stays bound. */
    int UNREACHABLE = -3;

    /**
     * (Re)binds to {@code localPort} (1..65535); datagrams waiting on a previous port are dropped.
     *
     * @return false if the device would not open the endpoint (try again later)
     */
    boolean bind(int localPort);

    /** True between a successful {@link #bind} and {@link #close} or a failure. */
    boolean isBound();

    /** {@link #sendPoll}: the datagram is not out yet (ARP still running). */
    int PENDING = -4;

    /** Sends one datagram: {@code len}, {@link #UNREACHABLE} or {@link #FAILED}. */
    int send(int ip, int port, byte[] b, int off, int len);

    /**
     * Starts sending one datagram without waiting for it to leave: {@code len} (started) or
     * {@link #FAILED}; then {@link #sendPoll} until it is not {@link #PENDING}, or {@link #sendGiveUp}
     * after {@link #sendGiveUpNanos}. No other send may start meanwhile.
     */
    int sendStart(int ip, int port, byte[] b, int off, int len);

    /** The started datagram: its length once sent, {@link #PENDING}, {@link #UNREACHABLE} or {@link #FAILED}. */
    int sendPoll();

    /** Ends a started datagram still pending after {@link #sendGiveUpNanos}: its length if it left, else {@link #FAILED}. */
    int sendGiveUp();

    /** How long a started datagram may stay {@link #PENDING}. */
    long sendGiveUpNanos();

    /**
     * Takes the next waiting datagram, copying at most {@code len} bytes of it (the rest is dropped).
     *
     * @return bytes copied, {@link #NONE} or {@link #FAILED}
     */
    int receive(byte[] b, int off, int len);

    /** Source address of the datagram last received. */
    int sourceIp();

    /** Source port of the datagram last received. */
    int sourcePort();

    /** Releases the endpoint (idempotent). */
    void close();
}
