package dev.w5100alert.hal;

/** How a TCP connect attempt stands or ended. Every value except {@link #IN_PROGRESS} is final. */
public enum ConnectOutcome {
    /** Still resolving the address or waiting for SYN/ACK. */
    IN_PROGRESS,
    /** ESTABLISHED: send and receive may be used. */
    CONNECTED,
    /**
     * ARP got no answer: the host (same subnet) or the gateway (other subnets) is unreachable;
     * {@link NetworkConfig#isOnLink(int)} on the destination says which. Reported only when certain:
     * the socket was never seen in SYNSENT and was seen before SYN less than RTR x (RCR+1) before it
     * was seen CLOSED (polls closer together than 1.8 s with the defaults); otherwise an ARP failure
     * is reported as {@link #TIMED_OUT}.
     */
    UNREACHABLE,
    /** The peer answered with RST: nothing listens on that port. */
    REFUSED,
    /**
     * The chip gave up retransmitting SYN, or the caller's deadline passed, or the chip timed out and
     * the polls were too far apart to tell ARP from SYN (see {@link #UNREACHABLE}).
     */
    TIMED_OUT,
    /** The chip stopped accepting commands (Sn_CR never cleared). */
    CHIP_ERROR;

    public boolean isFinal() {
        return this != IN_PROGRESS;
    }
}
