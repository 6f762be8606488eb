package dev.w5100alert.sim.lan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * A DNS server on the virtual LAN (RFC 1035 over UDP port 53), written from the RFC.
 *
 * <p>Message: a 12-byte header {@code ID | QR opcode AA TC RD | RA Z RCODE | QDCOUNT ANCOUNT NSCOUNT
 * ARCOUNT}, then the question (name, type, class) and resource records (name, type, class, TTL,
 * RDLENGTH, RDATA). Names are length-prefixed labels ending in 0, or end in a compression pointer
 * (two bytes, top bits 11, an offset into the message).
 *
 * <p>Authoritative (AA) for its A and CNAME records: a query for a held name gets the CNAME chain
 * (at most 8 links) and the A records at its end; a name it does not hold gets NXDOMAIN, or, with
 * forwarding, goes verbatim to a real DNS server on 127.0.0.1 and its answer comes back unchanged.
 * The first answer's owner is a compression pointer to the question (offset 12), as servers do. More
 * than 512 bytes: TC set and the records that fit. A query that is not one well-formed question gets
 * FORMERR, an opcode other than QUERY gets NOTIMP, a response (QR set) is ignored.
 *
 * <p>Faults ({@link DnsFault}): for every query ({@link #fault}) or the next n ({@link #faultNext}).
 * Inspection: query count, the IDs and source ports of the last 64 queries (to check that a client
 * randomises them), answers by RCODE. Allocation: none per query except when forwarding.
 */
public final class DnsServer implements AutoCloseable {
    static final int PORT = 53;
    private static final int MAX_UDP = 512;
    private static final int MAX_RECORDS = 256;
    private static final int CHAIN = 8;
    private static final int HISTORY = 64;
    private static final int PENDING = 16;
    private static final long FORWARD_TIMEOUT_NANOS = 10_000_000_000L;

    final int address;
    private final LanServices lan;
    private final int ttl;
    private final int forwardPort;
    private long replyDelayNanos;
    private DnsFault fault;
    private DnsFault nextFault = DnsFault.NONE;
    private int nextFaultCount;

    private final byte[][] names = new byte[MAX_RECORDS][];
    private final boolean[] isCname = new boolean[MAX_RECORDS];
    private final int[] aValue = new int[MAX_RECORDS];
    private final byte[][] target = new byte[MAX_RECORDS][];
    private int records;

    private final byte[] qname = new byte[256];
    private int qnameLen;
    private final byte[] chainName = new byte[256];
    private final byte[] out = new byte[LanServices.MAX_DATAGRAM];

    private int queries;
    private final int[] byRcode = new int[16];
    private int forwarded;
    private final int[] ids = new int[HISTORY];
    private final int[] ports = new int[HISTORY];
    private final byte[] lastName = new byte[256];
    private int lastNameLen;

    private DatagramChannel forwardChannel;
    private final ByteBuffer forwardBuffer = ByteBuffer.allocateDirect(LanServices.MAX_DATAGRAM);
    private final byte[] forwardBytes = new byte[LanServices.MAX_DATAGRAM];
    private final int[] pendingId = new int[PENDING];
    private final int[] pendingSrc = new int[PENDING];
    private final int[] pendingPort = new int[PENDING];
    private final long[] pendingSince = new long[PENDING];
    private final boolean[] pendingUsed = new boolean[PENDING];

    DnsServer(DnsServerSpec spec, LanServices lan) {
        this.address = spec.address;
        this.lan = lan;
        this.ttl = spec.ttlSeconds;
        this.forwardPort = spec.forwardPort;
        this.replyDelayNanos = spec.replyDelayNanos;
        this.fault = spec.fault;
        for (String[] r : spec.records) {
            if (records == MAX_RECORDS) {
                throw new IllegalArgumentException("at most " + MAX_RECORDS + " DNS records per server");
            }
            names[records] = wire(r[0]);
            isCname[records] = r[1].equals("CNAME");
            if (isCname[records]) {
                target[records] = wire(r[2]);
            } else {
                aValue[records] = Ip.parse(r[2]);
            }
            records++;
        }
    }

    /** Checks a host name: labels of 1..63 characters, at most 253 characters in all. */
    static void checkName(String name) {
        wire(name);
    }

    /** A name in wire format, lower case. */
    private static byte[] wire(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            throw new IllegalArgumentException("not a DNS name: '" + name + "'");
        }
        byte[] ascii = n.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] w = new byte[ascii.length + 2];
        int p = 0;
        int start = 0;
        for (int i = 0; i <= ascii.length; i++) {
            if (i == ascii.length || ascii[i] == '.') {
                int l = i - start;
                if (l < 1 || l > 63) {
                    throw new IllegalArgumentException("not a DNS name: '" + name + "' (label of " + l + " characters)");
                }
                w[p++] = (byte) l;
                System.arraycopy(ascii, start, w, p, l);
                p += l;
                start = i + 1;
            }
        }
        w[p] = 0;
        return w;
    }

    // ---------------------------------------------------------------- receive

    void receive(int srcIp, int srcPort, byte[] in, int len, long now) {
        if (len < 12 || (in[2] & 0x80) != 0) {
            return; // too short to answer, or a response
        }
        int id = Ip.get16(in, 0);
        ids[queries % HISTORY] = id;
        ports[queries % HISTORY] = srcPort;
        queries++;
        DnsFault f = fault;
        if (nextFaultCount > 0) {
            nextFaultCount--;
            f = nextFault;
        }
        if (f == DnsFault.SILENT) {
            if (lan.tracing()) {
                lan.event("DNS " + Ip.format(address) + ": query " + id + " unanswered (fault)");
            }
            return;
        }
        int opcode = (in[2] >>> 3) & 0x0F;
        if (opcode != 0) {
            header(in, 4, 0);
            send(srcIp, srcPort, 12, f, now);
            return;
        }
        int qdcount = Ip.get16(in, 4);
        int qEnd = qdcount == 1 ? readName(in, len, 12, qname) : -1;
        if (qEnd < 0 || qEnd + 4 > len) {
            header(in, 1, 0);
            send(srcIp, srcPort, 12, f, now);
            return;
        }
        qnameLen = nameLength(qname);
        System.arraycopy(qname, 0, lastName, 0, qnameLen);
        lastNameLen = qnameLen;
        int qtype = Ip.get16(in, qEnd);
        int qclass = Ip.get16(in, qEnd + 2);
        qEnd += 4;
        if (!holds(qname) && forwardPort != 0 && f == DnsFault.NONE) {
            forward(srcIp, srcPort, id, in, len, now);
            return;
        }
        int p = 12;
        if (f == DnsFault.WRONG_QUESTION) {
            out[p++] = 5;
            System.arraycopy("wrong".getBytes(StandardCharsets.US_ASCII), 0, out, p, 5);
            p += 5;
        }
        System.arraycopy(qname, 0, out, p, qnameLen);
        p += qnameLen;
        Ip.put16(out, p, qtype);
        Ip.put16(out, p + 2, qclass);
        p += 4;
        if (f == DnsFault.NXDOMAIN || f == DnsFault.SERVFAIL || f == DnsFault.TRUNCATED) {
            header(in, f == DnsFault.NXDOMAIN ? 3 : f == DnsFault.SERVFAIL ? 2 : 0, 0);
            if (f == DnsFault.TRUNCATED) {
                out[2] |= 0x02;
            }
            if (f == DnsFault.SERVFAIL) {
                out[2] &= ~0x04; // not authoritative: it failed
            }
            send(srcIp, srcPort, p, f, now);
            return;
        }
        if (f == DnsFault.POINTER_LOOP) {
            header(in, 0, 1);
            Ip.put16(out, p, 0xC000 | p); // the owner name points at itself
            Ip.put16(out, p + 2, 1);
            Ip.put16(out, p + 4, 1);
            Ip.put32(out, p + 6, ttl);
            Ip.put16(out, p + 10, 4);
            Ip.put32(out, p + 12, 0x0A000001);
            send(srcIp, srcPort, p + 16, f, now);
            return;
        }
        answer(in, qtype, qclass, p, srcIp, srcPort, f, now);
    }

    private void answer(byte[] in, int qtype, int qclass, int p, int srcIp, int srcPort, DnsFault f, long now) {
        int count = 0;
        boolean truncated = false;
        int ownerAt = 12;
        System.arraycopy(qname, 0, chainName, 0, qnameLen);
        boolean known = holds(chainName);
        if (qclass == 1 || qclass == 255) {
            for (int hop = 0; hop < CHAIN; hop++) {
                int c = find(chainName, true, 0);
                if (c < 0 || qtype == 5) {
                    if (c >= 0) {
                        int need = 12 + target[c].length;
                        if (p + need > MAX_UDP) {
                            truncated = true;
                        } else {
                            p = rr(p, ownerAt, 5, target[c], 0);
                            count++;
                        }
                    }
                    break;
                }
                if (p + 12 + target[c].length > MAX_UDP) {
                    truncated = true;
                    break;
                }
                int targetAt = p + 12;
                p = rr(p, ownerAt, 5, target[c], 0);
                count++;
                ownerAt = targetAt;
                System.arraycopy(target[c], 0, chainName, 0, target[c].length);
                known = holds(chainName);
            }
            if (!truncated && (qtype == 1 || qtype == 255)) {
                for (int r = find(chainName, false, 0); r >= 0; r = find(chainName, false, r + 1)) {
                    if (p + 16 > MAX_UDP) {
                        truncated = true;
                        break;
                    }
                    p = rr(p, ownerAt, 1, null, aValue[r]);
                    count++;
                }
            }
        }
        header(in, known ? 0 : 3, count);
        if (truncated) {
            out[2] |= 0x02;
        }
        send(srcIp, srcPort, p, f, now);
    }

    /** One record at {@code p}: owner by pointer, then CNAME target name or A address. */
    private int rr(int p, int ownerAt, int type, byte[] name, int a) {
        Ip.put16(out, p, 0xC000 | ownerAt);
        Ip.put16(out, p + 2, type);
        Ip.put16(out, p + 4, 1);
        Ip.put32(out, p + 6, ttl);
        if (type == 5) {
            Ip.put16(out, p + 10, name.length);
            System.arraycopy(name, 0, out, p + 12, name.length);
            return p + 12 + name.length;
        }
        Ip.put16(out, p + 10, 4);
        Ip.put32(out, p + 12, a);
        return p + 16;
    }

    private void header(byte[] in, int rcode, int ancount) {
        out[0] = in[0];
        out[1] = in[1];
        out[2] = (byte) (0x80 | (in[2] & 0x78) | 0x04 | (in[2] & 0x01));
        out[3] = (byte) ((forwardPort != 0 ? 0x80 : 0) | rcode);
        Ip.put16(out, 4, rcode == 1 || (in[2] & 0x78) != 0 ? 0 : 1);
        Ip.put16(out, 6, ancount);
        Ip.put16(out, 8, 0);
        Ip.put16(out, 10, 0);
    }

    private void send(int dst, int dstPort, int len, DnsFault f, long now) {
        int src = address;
        int srcPort = PORT;
        if (f == DnsFault.WRONG_ID) {
            Ip.put16(out, 0, (Ip.get16(out, 0) + 1) & 0xFFFF);
        } else if (f == DnsFault.WRONG_SOURCE_ADDRESS) {
            src = address + 1;
        } else if (f == DnsFault.WRONG_SOURCE_PORT) {
            srcPort = 5353;
        }
        byRcode[out[3] & 0x0F]++;
        if (lan.tracing()) {
            lan.event("DNS " + Ip.format(address) + ": answer rcode " + (out[3] & 0x0F) + ", " + Ip.get16(out, 6)
                    + " record(s)" + (f == DnsFault.NONE ? "" : " (fault " + f + ")"));
        }
        lan.emit(src, srcPort, dst, dstPort, out, len, now + replyDelayNanos);
    }

    /**
     * Reads a possibly compressed name at {@code at} into {@code into} (wire format, lower case);
     * returns the offset after the name in place, or -1 when it is malformed: past the end, a label
     * over 63, a name over 255, a pointer that does not point backwards, more than 16 pointers.
     */
    static int readName(byte[] in, int len, int at, byte[] into) {
        int p = at;
        int w = 0;
        int end = -1;
        int hops = 0;
        while (true) {
            if (p >= len) {
                return -1;
            }
            int l = in[p] & 0xFF;
            if ((l & 0xC0) == 0xC0) {
                if (p + 1 >= len || ++hops > 16) {
                    return -1;
                }
                int target = ((l & 0x3F) << 8) | (in[p + 1] & 0xFF);
                if (target >= p) {
                    return -1;
                }
                if (end < 0) {
                    end = p + 2;
                }
                p = target;
                continue;
            }
            if ((l & 0xC0) != 0) {
                return -1;
            }
            if (l == 0) {
                if (w + 1 > 255) {
                    return -1;
                }
                into[w] = 0;
                return end < 0 ? p + 1 : end;
            }
            if (p + 1 + l > len || w + 1 + l + 1 > 255) {
                return -1;
            }
            into[w++] = (byte) l;
            for (int i = 0; i < l; i++) {
                byte b = in[p + 1 + i];
                into[w++] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
            }
            p += 1 + l;
        }
    }

    private static int nameLength(byte[] name) {
        int p = 0;
        while (name[p] != 0) {
            p += 1 + (name[p] & 0xFF);
        }
        return p + 1;
    }

    private boolean holds(byte[] name) {
        return find(name, true, 0) >= 0 || find(name, false, 0) >= 0;
    }

    private int find(byte[] name, boolean cname, int from) {
        int len = nameLength(name);
        for (int r = from; r < records; r++) {
            if (isCname[r] == cname && java.util.Arrays.equals(names[r], 0, names[r].length, name, 0, len)) {
                return r;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- forwarding (127.0.0.1 only)

    private void forward(int srcIp, int srcPort, int id, byte[] in, int len, long now) {
        int slot = -1;
        for (int i = 0; i < PENDING; i++) {
            if (!pendingUsed[i] || now - pendingSince[i] > FORWARD_TIMEOUT_NANOS) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            if (lan.tracing()) {
                lan.event("DNS " + Ip.format(address) + ": too many forwarded queries, one dropped");
            }
            return;
        }
        try {
            if (forwardChannel == null) {
                forwardChannel = DatagramChannel.open();
                forwardChannel.bind(new InetSocketAddress(loopback(), 0));
                forwardChannel.configureBlocking(false);
            }
            forwardBuffer.clear();
            forwardBuffer.put(in, 0, len).flip();
            forwardChannel.send(forwardBuffer, new InetSocketAddress(loopback(), forwardPort));
        } catch (IOException e) {
            if (lan.tracing()) {
                lan.event("DNS " + Ip.format(address) + ": forwarding failed: " + e.getMessage());
            }
            return;
        }
        pendingUsed[slot] = true;
        pendingId[slot] = id;
        pendingSrc[slot] = srcIp;
        pendingPort[slot] = srcPort;
        pendingSince[slot] = now;
        forwarded++;
    }

    /** Passes on answers the real server has sent back (non-blocking). */
    void pollForwarded(long now) {
        if (forwardChannel == null) {
            return;
        }
        for (int k = 0; k < PENDING; k++) {
            forwardBuffer.clear();
            try {
                if (forwardChannel.receive(forwardBuffer) == null) {
                    return;
                }
            } catch (IOException e) {
                if (lan.tracing()) {
                    lan.event("DNS " + Ip.format(address) + ": forwarded answer lost: " + e.getMessage());
                }
                return;
            }
            forwardBuffer.flip();
            int len = Math.min(forwardBuffer.remaining(), forwardBytes.length);
            forwardBuffer.get(forwardBytes, 0, len);
            if (len < 12) {
                continue;
            }
            int id = Ip.get16(forwardBytes, 0);
            for (int i = 0; i < PENDING; i++) {
                if (pendingUsed[i] && pendingId[i] == id) {
                    pendingUsed[i] = false;
                    byRcode[forwardBytes[3] & 0x0F]++;
                    lan.emit(address, PORT, pendingSrc[i], pendingPort[i], forwardBytes, len, now + replyDelayNanos);
                    break;
                }
            }
        }
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    @Override
    public void close() {
        if (forwardChannel != null) {
            try {
                forwardChannel.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
            forwardChannel = null;
        }
    }

    // ---------------------------------------------------------------- faults and inspection

    /** The fault for every query from now on ({@link DnsFault#NONE} to answer correctly). */
    public DnsServer fault(DnsFault f) {
        fault = f == null ? DnsFault.NONE : f;
        return this;
    }

    /** The next {@code n} queries get {@code f}; then {@link #fault} applies again. */
    public DnsServer faultNext(DnsFault f, int n) {
        nextFault = f == null ? DnsFault.NONE : f;
        nextFaultCount = DhcpServer.checkCount(n);
        return this;
    }

    /** Virtual time between a query and its answer. */
    public DnsServer replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    /** The server's address. */
    public String address() {
        return Ip.format(address);
    }

    /** Queries received (answered or not). */
    public int queries() {
        return queries;
    }

    /** Answers sent with this RCODE (0 NOERROR, 1 FORMERR, 2 SERVFAIL, 3 NXDOMAIN, 4 NOTIMP). */
    public int answers(int rcode) {
        return byRcode[rcode & 0x0F];
    }

    /** Queries passed to the real server. */
    public int forwarded() {
        return forwarded;
    }

    /** IDs of the last (up to 64) queries, oldest first. */
    public int[] recentQueryIds() {
        return recent(ids);
    }

    /** Source ports of the last (up to 64) queries, oldest first. */
    public int[] recentSourcePorts() {
        return recent(ports);
    }

    /** The name of the last well-formed question, dotted, lower case; null before any. */
    public String lastQuestion() {
        if (lastNameLen == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        int p = 0;
        while (lastName[p] != 0) {
            int l = lastName[p] & 0xFF;
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(new String(lastName, p + 1, l, StandardCharsets.US_ASCII));
            p += 1 + l;
        }
        return b.toString();
    }

    private int[] recent(int[] ring) {
        int n = Math.min(queries, HISTORY);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = ring[(queries - n + i) % HISTORY];
        }
        return r;
    }

    @Override
    public String toString() {
        return "DNS server " + address();
    }
}
