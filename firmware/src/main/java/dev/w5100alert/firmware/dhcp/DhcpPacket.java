package dev.w5100alert.firmware.dhcp;

/**
 * DHCP message (RFC 2131 §2, options RFC 2132) as a checked reader and a writer over caller arrays.
 *
 * <pre>
 *   0: op | 1: htype | 2: hlen | 3: hops | 4: xid (32) | 8: secs (16) | 10: flags (16, bit 15 BROADCAST)
 *  12: ciaddr | 16: yiaddr | 20: siaddr | 24: giaddr | 28: chaddr (16) | 44: sname (64) | 108: file (128)
 * 236: magic cookie 99.130.83.99 | 240: options: code, length, value ... 255 (end); 0 is a pad byte
 * </pre>
 *
 * <p>{@link #read} tests the length before any field, then walks the options: an option whose length
 * runs past the end of its area makes the whole message {@link #OPTION_OVERRUN}; a fixed-size option
 * with the wrong length is {@link #BAD_OPTION}. Option overload (52) is handled: options continue in
 * {@code file}, then {@code sname} (§4.1), each walked with the same checks (a 52 inside them is
 * ignored). Reads only {@code [0, length)}. One instance per client; allocation-free.
 */
public final class DhcpPacket {

    public static final int SERVER_PORT = 67;
    public static final int CLIENT_PORT = 68;
    public static final int OPTIONS = 240;
    /** What we send: BOOTP's 300-byte minimum, which old relays and servers still expect. */
    public static final int MIN_LENGTH = 300;
    /** Max DHCP message we accept (option 57: the 576-byte IP datagram minus IP and UDP headers). */
    public static final int MAX_MESSAGE = 576;
    public static final int MAX_ADDRESSES = 3;

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    public static final int BROADCAST_FLAG = 0x8000;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;

    static final int OPT_PAD = 0;
    static final int OPT_SUBNET = 1;
    static final int OPT_ROUTER = 3;
    static final int OPT_DNS = 6;
    static final int OPT_HOSTNAME = 12;
    static final int OPT_NTP = 42;
    static final int OPT_REQUESTED_IP = 50;
    static final int OPT_LEASE = 51;
    static final int OPT_OVERLOAD = 52;
    static final int OPT_MESSAGE_TYPE = 53;
    static final int OPT_SERVER_ID = 54;
    static final int OPT_PARAMETERS = 55;
    static final int OPT_MESSAGE = 56;
    static final int OPT_MAX_SIZE = 57;
    static final int OPT_T1 = 58;
    static final int OPT_T2 = 59;
    static final int OPT_CLIENT_ID = 61;
    static final int OPT_END = 255;

    /** {@link #read} results. */
    public static final int OK = 0;
    public static final int TOO_SHORT = 1;
    public static final int BAD_COOKIE = 2;
    public static final int OPTION_OVERRUN = 3;
    public static final int BAD_OPTION = 4;
    public static final int NO_MESSAGE_TYPE = 5;

    private static final int COOKIE = 0x63825363;
    private static final byte[] PARAMETERS = {OPT_SUBNET, OPT_ROUTER, OPT_DNS, 15, OPT_NTP, OPT_LEASE, OPT_T1, OPT_T2};

    // Fields of the message last read.
    public int op;
    public int htype;
    public int hlen;
    public int xid;
    public int yiaddr;
    public long chaddr;
    public int messageType;
    public int serverId;
    /** Lease seconds as unsigned 32 bits; -1 when absent. */
    public long lease;
    public long t1;
    public long t2;
    public int subnet;
    public int router;
    public final int[] dns = new int[MAX_ADDRESSES];
    public int dnsCount;
    public final int[] ntp = new int[MAX_ADDRESSES];
    public int ntpCount;
    public int overload;

    private byte[] b;

    /** Reads {@code msg[0, length)} into the public fields; returns {@link #OK} or why not. */
    public int read(byte[] msg, int length) {
        if (length < 0 || length > msg.length) {
            throw new IllegalArgumentException("length outside the buffer");
        }
        b = msg;
        messageType = 0;
        serverId = 0;
        lease = -1;
        t1 = -1;
        t2 = -1;
        subnet = 0;
        router = 0;
        dnsCount = 0;
        ntpCount = 0;
        overload = 0;
        if (length < OPTIONS) {
            return TOO_SHORT;
        }
        op = b[0] & 0xFF;
        htype = b[1] & 0xFF;
        hlen = b[2] & 0xFF;
        xid = i32(4);
        yiaddr = i32(16);
        chaddr = (i32(28) & 0xFFFF_FFFFL) << 16 | (b[32] & 0xFFL) << 8 | (b[33] & 0xFFL);
        if (i32(236) != COOKIE) {
            return BAD_COOKIE;
        }
        int r = options(OPTIONS, length, true);
        if (r == OK && (overload & 1) != 0) {
            r = options(108, 236, false);
        }
        if (r == OK && (overload & 2) != 0) {
            r = options(44, 108, false);
        }
        if (r != OK) {
            return r;
        }
        return messageType == 0 ? NO_MESSAGE_TYPE : OK;
    }

    private int options(int from, int to, boolean main) {
        int p = from;
        while (p < to) {
            int code = b[p] & 0xFF;
            if (code == OPT_PAD) {
                p++;
                continue;
            }
            if (code == OPT_END) {
                return OK;
            }
            if (p + 1 >= to) {
                return OPTION_OVERRUN;
            }
            int n = b[p + 1] & 0xFF;
            int v = p + 2;
            if (v + n > to) {
                return OPTION_OVERRUN;
            }
            switch (code) {
                case OPT_MESSAGE_TYPE -> {
                    if (n != 1) {
                        return BAD_OPTION;
                    }
                    messageType = b[v] & 0xFF;
                }
                case OPT_SERVER_ID -> {
                    if (n != 4) {
                        return BAD_OPTION;
                    }
                    serverId = i32(v);
                }
                case OPT_SUBNET -> {
                    if (n != 4) {
                        return BAD_OPTION;
                    }
                    subnet = i32(v);
                }
                case OPT_ROUTER -> {
                    if (n < 4 || n % 4 != 0) {
                        return BAD_OPTION;
                    }
                    router = i32(v);
                }
                case OPT_DNS -> {
                    if (n < 4 || n % 4 != 0) {
                        return BAD_OPTION;
                    }
                    dnsCount = list(v, n, dns);
                }
                case OPT_NTP -> {
                    if (n < 4 || n % 4 != 0) {
                        return BAD_OPTION;
                    }
                    ntpCount = list(v, n, ntp);
                }
                case OPT_LEASE, OPT_T1, OPT_T2 -> {
                    if (n != 4) {
                        return BAD_OPTION;
                    }
                    long value = i32(v) & 0xFFFF_FFFFL;
                    if (code == OPT_LEASE) {
                        lease = value;
                    } else if (code == OPT_T1) {
                        t1 = value;
                    } else {
                        t2 = value;
                    }
                }
                case OPT_OVERLOAD -> {
                    if (n != 1 || (b[v] & 0xFF) < 1 || (b[v] & 0xFF) > 3) {
                        return BAD_OPTION;
                    }
                    if (main) {
                        overload = b[v] & 0xFF;
                    }
                }
                default -> {
                    // not ours: skipped by its length
                }
            }
            p = v + n;
        }
        // Ran to the end of the area without an END option: lenient, as most clients are.
        return OK;
    }

    private int list(int at, int n, int[] dst) {
        int count = Math.min(n / 4, dst.length);
        for (int i = 0; i < count; i++) {
            dst[i] = i32(at + 4 * i);
        }
        return count;
    }

    private int i32(int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /**
     * Writes a client message into {@code dst} (at least {@link #MAX_MESSAGE} long).
     *
     * @param requested option 50, or 0 to leave it out
     * @param server    option 54, or 0 to leave it out
     * @param hostname  option 12 bytes (ASCII), may be empty
     * @return the message length
     */
    public static int write(byte[] dst, int type, int xid, int secs, boolean broadcast, int ciaddr, long mac,
                            int requested, int server, byte[] hostname, int hostnameLength) {
        java.util.Arrays.fill(dst, 0, MAX_MESSAGE, (byte) 0);
        dst[0] = BOOTREQUEST;
        dst[1] = 1; // Ethernet
        dst[2] = 6;
        put32(dst, 4, xid);
        dst[8] = (byte) (secs >>> 8);
        dst[9] = (byte) secs;
        dst[10] = (byte) (broadcast ? 0x80 : 0);
        put32(dst, 12, ciaddr);
        for (int k = 0; k < 6; k++) {
            dst[28 + k] = (byte) (mac >>> (40 - 8 * k));
        }
        put32(dst, 236, COOKIE);
        int p = OPTIONS;
        dst[p++] = OPT_MESSAGE_TYPE;
        dst[p++] = 1;
        dst[p++] = (byte) type;
        dst[p++] = OPT_CLIENT_ID; // hardware type 1 + MAC (RFC 2132 §9.14)
        dst[p++] = 7;
        dst[p++] = 1;
        for (int k = 0; k < 6; k++) {
            dst[p++] = (byte) (mac >>> (40 - 8 * k));
        }
        if (requested != 0) {
            dst[p++] = OPT_REQUESTED_IP;
            dst[p++] = 4;
            put32(dst, p, requested);
            p += 4;
        }
        if (server != 0) {
            dst[p++] = OPT_SERVER_ID;
            dst[p++] = 4;
            put32(dst, p, server);
            p += 4;
        }
        if (type == DISCOVER || type == REQUEST) {
            dst[p++] = OPT_MAX_SIZE;
            dst[p++] = 2;
            dst[p++] = (byte) (MAX_MESSAGE >>> 8);
            dst[p++] = (byte) MAX_MESSAGE;
            dst[p++] = OPT_PARAMETERS;
            dst[p++] = (byte) PARAMETERS.length;
            System.arraycopy(PARAMETERS, 0, dst, p, PARAMETERS.length);
            p += PARAMETERS.length;
            if (hostnameLength > 0) {
                dst[p++] = OPT_HOSTNAME;
                dst[p++] = (byte) hostnameLength;
                System.arraycopy(hostname, 0, dst, p, hostnameLength);
                p += hostnameLength;
            }
        }
        dst[p++] = (byte) OPT_END;
        return Math.max(p, MIN_LENGTH);
    }

    private static void put32(byte[] dst, int at, int v) {
        dst[at] = (byte) (v >>> 24);
        dst[at + 1] = (byte) (v >>> 16);
        dst[at + 2] = (byte) (v >>> 8);
        dst[at + 3] = (byte) v;
    }
}
