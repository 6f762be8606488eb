package dev.w5100alert.hal;

/** Sn_SR as read from the chip (datasheet 4.2). */
public enum SocketState {
    CLOSED, ARP, INIT, LISTEN, SYNSENT, SYNRECV, ESTABLISHED, FIN_WAIT, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK,
    UDP,
    /** A value the driver does not model (IPRAW, MACRAW, PPPoE, or a chip in trouble). */
    OTHER;

    static SocketState of(int sr) {
        return switch (sr) {
            case W5100Registers.SOCK_CLOSED -> CLOSED;
            case W5100Registers.SOCK_ARP -> ARP;
            case W5100Registers.SOCK_INIT -> INIT;
            case W5100Registers.SOCK_LISTEN -> LISTEN;
            case W5100Registers.SOCK_SYNSENT -> SYNSENT;
            case W5100Registers.SOCK_SYNRECV -> SYNRECV;
            case W5100Registers.SOCK_ESTABLISHED -> ESTABLISHED;
            case W5100Registers.SOCK_FIN_WAIT -> FIN_WAIT;
            case W5100Registers.SOCK_CLOSING -> CLOSING;
            case W5100Registers.SOCK_TIME_WAIT -> TIME_WAIT;
            case W5100Registers.SOCK_CLOSE_WAIT -> CLOSE_WAIT;
            case W5100Registers.SOCK_LAST_ACK -> LAST_ACK;
            case W5100Registers.SOCK_UDP -> UDP;
            default -> OTHER;
        };
    }
}
