package dev.w5100alert.hal;

/**
 * W5100 register map as the driver uses it (datasheet v1.2.6, sections 3 and 4).
 *
 * <p>Names follow the datasheet. Multi-byte registers are big-endian: the high byte sits at the
 * lower address. The simulator declares its own copy on purpose (independent model).
 */
final class W5100Registers {
    private W5100Registers() {
    }

    // Common registers (datasheet 4.1)
    /** Mode register. */
    static final int MR = 0x0000;
    static final int MR_RST = 0x80;
    static final int MR_PB = 0x10;
    /** Gateway address, 4 bytes. */
    static final int GAR = 0x0001;
    /** Subnet mask, 4 bytes. */
    static final int SUBR = 0x0005;
    /** Source hardware (MAC) address, 6 bytes. */
    static final int SHAR = 0x0009;
    /** Source IP address, 4 bytes. */
    static final int SIPR = 0x000F;
    /** Retry time, 2 bytes, units of 100 us; reset 0x07D0. */
    static final int RTR = 0x0017;
    static final int RTR_RESET = 0x07D0;
    /** Retry count; reset 0x08. */
    static final int RCR = 0x0019;
    /** Interrupt mask (datasheet 4.1): bits 3..0 let socket n's Sn_IR drive /INT low. The W5100 has no Sn_IMR. */
    static final int IMR = 0x0016;
    static final int RCR_RESET = 0x08;
    /** RX / TX memory size, two bits per socket; reset 0x55. */
    static final int RMSR = 0x001A;
    static final int TMSR = 0x001B;
    static final int MSR_RESET = 0x55;

    // Socket registers (datasheet 4.2): socket n at 0x0400 + n * 0x0100
    static final int SOCKETS = 4;
    static final int SOCKET_BASE = 0x0400;
    static final int SOCKET_STRIDE = 0x0100;
    static final int Sn_MR = 0x00;
    static final int Sn_CR = 0x01;
    static final int Sn_IR = 0x02;
    static final int Sn_SR = 0x03;
    static final int Sn_PORT = 0x04;
    static final int Sn_DIPR = 0x0C;
    static final int Sn_DPORT = 0x10;
    static final int Sn_TX_FSR = 0x20;
    static final int Sn_TX_WR = 0x24;
    static final int Sn_RX_RSR = 0x26;
    static final int Sn_RX_RD = 0x28;

    // Sn_MR protocol
    static final int Sn_MR_TCP = 0x01;
    static final int Sn_MR_UDP = 0x02;

    // Sn_CR commands; the register reads 0 once the chip has accepted the command
    static final int OPEN = 0x01;
    static final int LISTEN = 0x02;
    static final int CONNECT = 0x04;
    static final int DISCON = 0x08;
    static final int CLOSE = 0x10;
    static final int SEND = 0x20;
    static final int RECV = 0x40;

    // Sn_IR bits (write 1 to clear)
    static final int IR_SEND_OK = 0x10;
    static final int IR_TIMEOUT = 0x08;
    static final int IR_RECV = 0x04;
    static final int IR_DISCON = 0x02;
    static final int IR_CON = 0x01;

    // Sn_SR values (datasheet v1.2.3+: SOCK_ARP is 0x01)
    static final int SOCK_CLOSED = 0x00;
    static final int SOCK_ARP = 0x01;
    static final int SOCK_INIT = 0x13;
    static final int SOCK_LISTEN = 0x14;
    static final int SOCK_SYNSENT = 0x15;
    static final int SOCK_SYNRECV = 0x16;
    static final int SOCK_ESTABLISHED = 0x17;
    static final int SOCK_FIN_WAIT = 0x18;
    static final int SOCK_CLOSING = 0x1A;
    static final int SOCK_TIME_WAIT = 0x1B;
    static final int SOCK_CLOSE_WAIT = 0x1C;
    static final int SOCK_LAST_ACK = 0x1D;
    static final int SOCK_UDP = 0x22;

    // Buffer memory (datasheet 3.3)
    static final int TX_MEMORY = 0x4000;
    static final int RX_MEMORY = 0x6000;
    static final int MEMORY_BYTES = 0x2000;

    /** UDP data in RX memory is preceded by source IP (4), source port (2), data length (2). */
    static final int UDP_HEADER_BYTES = 8;

    static int socketRegister(int socket, int offset) {
        return SOCKET_BASE + socket * SOCKET_STRIDE + offset;
    }
}
