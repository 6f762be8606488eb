package dev.w5100alert.firmware.lan;

/**
 * A scripted DHCP server for client tests, written from RFC 2131 on the test side (it shares nothing
 * with the client's codec). Answers DISCOVER with OFFER and REQUEST with ACK (or NAK when told), from
 * preallocated arrays. Switches let a test lose it, NAK, or change the lease.
 */
public final class TestDhcpServer implements ScriptedUdpLink.Peer {

    final int serverIp;
    int pool;
    public int leaseSeconds = 3600;
    int t1 = -1;
    int t2 = -1;
    boolean silent;
    boolean nak;
    /** The address an ARP probe finds in use (the probe "gets delivered"), or 0. */
    int takenAddress;
    int discovers;
    int requests;
    int declines;
    int unicastRequests;
    int broadcastRequests;
    int lastRequestCiaddr;
    boolean lastRequestHadOption50;
    boolean lastRequestBroadcastFlag;
    /** Bit-flips and the like applied to the next reply (0 = none). */
    int corruptXid;
    long otherChaddr;
    private final byte[] out = new byte[600];

    public TestDhcpServer(int serverIp, int pool) {
        this.serverIp = serverIp;
        this.pool = pool;
    }

    @Override
    public int onSend(int ip, int port, byte[] b, int off, int len, ScriptedUdpLink link) {
        if (port == 9) { // the client's address-in-use probe
            return ip == takenAddress ? len : ScriptedUdpLink.UNREACHABLE;
        }
        if (port != 67 || len < 240 || b[off] != 1) {
            return len;
        }
        int type = option(b, off, len, 53);
        if (type == 4) {
            declines++;
            return len;
        }
        if (type == 1) {
            discovers++;
        }
        if (type == 3) {
            requests++;
            if (ip == -1) {
                broadcastRequests++;
            } else {
                unicastRequests++;
            }
            lastRequestCiaddr = i32(b, off + 12);
            lastRequestHadOption50 = option(b, off, len, 50) >= 0;
            lastRequestBroadcastFlag = (b[off + 10] & 0x80) != 0;
        }
        if (silent || (type != 1 && type != 3)) {
            return len;
        }
        int reply = type == 1 ? 2 : nak ? 6 : 5;
        int n = build(b, off, reply);
        link.deliver(serverIp, 67, out, 0, n);
        return len;
    }

    private int build(byte[] req, int off, int type) {
        java.util.Arrays.fill(out, (byte) 0);
        out[0] = 2;
        out[1] = 1;
        out[2] = 6;
        System.arraycopy(req, off + 4, out, 4, 4); // xid
        if (corruptXid != 0) {
            out[4] ^= (byte) corruptXid;
        }
        if (type != 6) {
            put(out, 16, pool);
        }
        System.arraycopy(req, off + 28, out, 28, 16); // chaddr
        if (otherChaddr != 0) {
            for (int k = 0; k < 6; k++) {
                out[28 + k] = (byte) (otherChaddr >>> (40 - 8 * k));
            }
        }
        put(out, 236, 0x63825363);
        int p = 240;
        out[p++] = 53;
        out[p++] = 1;
        out[p++] = (byte) type;
        out[p++] = 54;
        out[p++] = 4;
        put(out, p, serverIp);
        p += 4;
        if (type != 6) {
            out[p++] = 51;
            out[p++] = 4;
            put(out, p, leaseSeconds);
            p += 4;
            if (t1 >= 0) {
                out[p++] = 58;
                out[p++] = 4;
                put(out, p, t1);
                p += 4;
            }
            if (t2 >= 0) {
                out[p++] = 59;
                out[p++] = 4;
                put(out, p, t2);
                p += 4;
            }
            out[p++] = 1;
            out[p++] = 4;
            put(out, p, 0xFFFFFF00);
            p += 4;
            out[p++] = 3;
            out[p++] = 4;
            put(out, p, (pool & 0xFFFFFF00) | 1);
            p += 4;
            out[p++] = 6;
            out[p++] = 8;
            put(out, p, (pool & 0xFFFFFF00) | 53);
            put(out, p + 4, (pool & 0xFFFFFF00) | 54);
            p += 8;
            out[p++] = 42;
            out[p++] = 4;
            put(out, p, (pool & 0xFFFFFF00) | 123);
            p += 4;
        }
        out[p++] = (byte) 255;
        return Math.max(p, 300);
    }

    static int option(byte[] b, int off, int len, int code) {
        int p = off + 240;
        while (p + 1 < off + len) {
            int c = b[p] & 0xFF;
            if (c == 255) {
                return -1;
            }
            if (c == 0) {
                p++;
                continue;
            }
            int n = b[p + 1] & 0xFF;
            if (c == code) {
                return n >= 1 ? b[p + 2] & 0xFF : 0;
            }
            p += 2 + n;
        }
        return -1;
    }

    static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static void put(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
