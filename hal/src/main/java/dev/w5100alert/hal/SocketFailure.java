package dev.w5100alert.hal;

/** Why a socket stopped working ({@link #NONE} while it works). */
public enum SocketFailure {
    NONE,
    /** ARP got no answer (host or gateway unreachable). */
    UNREACHABLE,
    /** Connection refused (RST in answer to SYN). */
    REFUSED,
    /** The peer reset an established connection. */
    RESET,
    /** The chip gave up retransmitting, or a deadline passed (SEND_OK never came, connect too slow). */
    TIMED_OUT,
    /** The chip stopped accepting commands (Sn_CR never cleared). */
    CHIP_ERROR
}
