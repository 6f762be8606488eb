package dev.w5100alert.sim.lan;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A DHCP server on the virtual LAN (RFC 2131 server side, RFC 2132 options), written from the RFCs.
 *
 * <p>Wire format (RFC 2131 2): {@code op htype hlen hops | xid(4) | secs(2) flags(2) | ciaddr yiaddr
 * siaddr giaddr (4 each) | chaddr(16) | sname(64) | file(128) | 99.130.83.99 | options}; options are
 * code, length, value; 0 pads, 255 ends; option 52 (overload) moves more options into file/sname.
 *
 * <p>What it does: DISCOVER → OFFER (the client's lease, else the requested address if free, else the
 * first free one); REQUEST → ACK or NAK by the client's state as RFC 2131 4.3.2 tells it apart:
 * SELECTING (option 54 present; another server's id withdraws our offer silently), INIT-REBOOT (no 54,
 * ciaddr 0, option 50), RENEWING (ciaddr set, sent unicast to us), REBINDING (ciaddr set, broadcast);
 * DECLINE marks the address unusable (for good); RELEASE frees it; INFORM gets the options without a
 * lease. Clients are told apart by option 61 if they send it, else by htype + chaddr. xid, flags,
 * giaddr and chaddr are echoed. Options sent: 53, 54, 51/58/59 with a lease, and of 1, 3, 6, 15, 42
 * (and 58/59) those configured, in the order of the client's option 55 when it sends one (only the
 * ones it asks for), within the size its option 57 allows (else 576). Answers go to ciaddr when set,
 * else to 255.255.255.255 when the BROADCAST flag is set (always for NAK), else unicast to yiaddr
 * (RFC 2131 4.1).
 *
 * <p>Leases run in the simulator's virtual time: an offer is held 120 s, a lease for its lease time;
 * once expired the address is free again and a renewal for it gets a NAK.
 *
 * <p>Faults (any time): {@link #silent}, {@link #dropMessages}, {@link #nakRequests},
 * {@link #ignoreRenewals}; also the lease times can change. Inspection: {@link #received},
 * {@link #sent}, {@link #requests}, {@link #leases}, the last client's option 55/57/12/61.
 * Allocation: none per message (inspection allocates).
 */
public final class DhcpServer {
    static final int MAX_POOL = 1024;
    static final int SERVER_PORT = 67;
    static final int CLIENT_PORT = 68;
    private static final int COOKIE = 0x63825363;
    private static final int OPTIONS = 240;
    private static final int KEY_MAX = 64;
    private static final long OFFER_HOLD_NANOS = 120_000_000_000L;
    private static final byte FREE = 0, OFFERED = 1, BOUND = 2, DECLINED = 3;
    private static final int[] DEFAULT_ORDER = {1, 3, 6, 15, 42, 58, 59};

    /** DHCP message types (option 53, RFC 2132 9.6). */
    public enum MessageType {
        DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM;

        /** The option 53 value. */
        public int code() {
            return ordinal() + 1;
        }
    }

    /** The client state a REQUEST was sent in (RFC 2131 4.3.2). */
    public enum RequestKind { SELECTING, INIT_REBOOT, RENEWING, REBINDING }

    /** What an address is doing. */
    public enum LeaseState { OFFERED, BOUND, DECLINED }

    /** One address in use: {@code clientId} is option 61's bytes, or htype + chaddr, in hex. */
    public record Lease(String address, String clientId, String hostname, LeaseState state, long expiresAtNanos) {
    }

    final int address;
    private final LanServices lan;
    private final int poolFirst;
    private final int poolSize;

    private int subnetMask;
    private final int[] routers;
    private final int[] dnsServers;
    private final int[] ntpServers;
    private final byte[] domain;
    private long leaseSeconds;
    private long t1Seconds;
    private long t2Seconds;
    private long replyDelayNanos;

    private boolean silent;
    private boolean ignoreRenewals;
    private int nakRequests;
    private int dropMessages;

    private final byte[] state;
    private final byte[][] key;
    private final int[] keyLen;
    private final long[] expires;
    private final byte[][] hostname;
    private final int[] hostnameLen;

    private final int[] received = new int[9];
    private final int[] sent = new int[9];
    private final int[] requests = new int[4];
    private int malformed;
    private int exhausted;

    // parsed from the current message (offsets into the message)
    private int type;
    private int requestedIp;
    private boolean hasRequestedIp;
    private int serverId;
    private boolean hasServerId;
    private int clientIdOff = -1;
    private int clientIdLen;
    private int paramOff = -1;
    private int paramLen;
    private int maxSize;
    private int hostOff = -1;
    private int hostLen;
    private int overload;
    private final byte[] curKey = new byte[KEY_MAX];
    private int curKeyLen;

    private final byte[] lastParams = new byte[255];
    private int lastParamsLen = -1;
    private int lastMaxSize = -1;
    private int lastXid;

    private final byte[] out = new byte[LanServices.MAX_DATAGRAM];

    DhcpServer(DhcpServerSpec spec, LanServices lan) {
        this.address = spec.address;
        this.lan = lan;
        this.poolFirst = spec.poolFirst;
        this.poolSize = spec.poolLast - spec.poolFirst + 1;
        this.subnetMask = spec.subnetMask;
        this.routers = spec.routers.stream().mapToInt(Integer::intValue).toArray();
        this.dnsServers = spec.dnsServers.stream().mapToInt(Integer::intValue).toArray();
        this.ntpServers = spec.ntpServers.stream().mapToInt(Integer::intValue).toArray();
        this.domain = spec.domain == null ? null : spec.domain.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.leaseSeconds = spec.leaseSeconds;
        this.t1Seconds = spec.t1Seconds;
        this.t2Seconds = spec.t2Seconds;
        this.replyDelayNanos = spec.replyDelayNanos;
        this.silent = spec.silent;
        this.ignoreRenewals = spec.ignoreRenewals;
        this.nakRequests = spec.nakRequests;
        this.dropMessages = spec.dropMessages;
        state = new byte[poolSize];
        key = new byte[poolSize][KEY_MAX];
        keyLen = new int[poolSize];
        expires = new long[poolSize];
        hostname = new byte[poolSize][64];
        hostnameLen = new int[poolSize];
    }

    /** Option 51's "infinity" (RFC 2132 9.2): the lease never expires. */
    public static final long INFINITE = 0xFFFFFFFFL;

    static long checkSeconds(long s, String what) {
        if (s < 1 || s > INFINITE) {
            throw new IllegalArgumentException(what + " must be 1..4294967295 s (the last: infinite), got " + s);
        }
        return s;
    }

    static int checkCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + n);
        }
        return n;
    }

    // ---------------------------------------------------------------- receive

    void receive(int srcIp, int srcPort, int dstIp, byte[] in, int len, long now) {
        if (dstIp != Ip.BROADCAST && dstIp != address) {
            return;
        }
        if (!parse(in, len)) {
            malformed++;
            if (lan.tracing()) {
                lan.event("DHCP " + Ip.format(address) + ": malformed message ignored");
            }
            return;
        }
        received[type]++;
        lastXid = Ip.get32(in, 4);
        if (paramOff >= 0) {
            System.arraycopy(in, paramOff, lastParams, 0, paramLen);
        }
        lastParamsLen = paramOff >= 0 ? paramLen : -1;
        lastMaxSize = maxSize;
        if (dropMessages > 0) {
            dropMessages--;
            if (lan.tracing()) {
                lan.event("DHCP " + Ip.format(address) + ": dropped a message (fault)");
            }
            return;
        }
        if (silent) {
            return;
        }
        expire(now);
        switch (type) {
            case 1 -> discover(in, now);
            case 3 -> request(in, dstIp, now);
            case 4 -> decline(in);
            case 7 -> release(in);
            case 8 -> inform(in, now);
            default -> {
                if (lan.tracing()) {
                    lan.event("DHCP " + Ip.format(address) + ": message type " + type + " from a client ignored");
                }
            }
        }
    }

    private boolean parse(byte[] in, int len) {
        type = 0;
        hasRequestedIp = hasServerId = false;
        clientIdOff = paramOff = hostOff = -1;
        maxSize = -1;
        overload = 0;
        if (len < OPTIONS || in[0] != 1 || Ip.get32(in, 236) != COOKIE || (in[2] & 0xFF) > 16) {
            return false;
        }
        if (!options(in, OPTIONS, len)) {
            return false;
        }
        if ((overload & 1) != 0 && !options(in, 108, 236)) {
            return false;
        }
        if ((overload & 2) != 0 && !options(in, 44, 108)) {
            return false;
        }
        if (type < 1 || type > 8) {
            return false;
        }
        if (clientIdOff >= 0) {
            curKey[0] = 61;
            curKeyLen = 1 + Math.min(clientIdLen, KEY_MAX - 1);
            System.arraycopy(in, clientIdOff, curKey, 1, curKeyLen - 1);
        } else {
            curKey[0] = 0;
            curKey[1] = in[1];
            int hlen = in[2] & 0xFF;
            System.arraycopy(in, 28, curKey, 2, hlen);
            curKeyLen = 2 + hlen;
        }
        return true;
    }

    /** Walks options in [from, to); false when a length runs past the end. */
    private boolean options(byte[] in, int from, int to) {
        int i = from;
        while (i < to) {
            int code = in[i] & 0xFF;
            if (code == 0) {
                i++;
                continue;
            }
            if (code == 255) {
                return true;
            }
            if (i + 1 >= to) {
                return false;
            }
            int l = in[i + 1] & 0xFF;
            int v = i + 2;
            if (v + l > to) {
                return false;
            }
            switch (code) {
                case 53 -> type = l == 1 ? in[v] & 0xFF : 0;
                case 50 -> {
                    if (l == 4) {
                        requestedIp = Ip.get32(in, v);
                        hasRequestedIp = true;
                    }
                }
                case 54 -> {
                    if (l == 4) {
                        serverId = Ip.get32(in, v);
                        hasServerId = true;
                    }
                }
                case 61 -> {
                    if (l >= 1) {
                        clientIdOff = v;
                        clientIdLen = l;
                    }
                }
                case 55 -> {
                    paramOff = v;
                    paramLen = l;
                }
                case 57 -> maxSize = l == 2 ? Ip.get16(in, v) : -1;
                case 12 -> {
                    hostOff = v;
                    hostLen = l;
                }
                case 52 -> overload = l == 1 ? in[v] & 3 : 0;
                default -> {
                    // other client options carry nothing this server acts on
                }
            }
            i = v + l;
        }
        return true; // no end option: RFC 2131 says it must be there, but what we read was well formed
    }

    // ---------------------------------------------------------------- messages

    private void discover(byte[] in, long now) {
        int slot = slotOfClient();
        if (slot < 0 && hasRequestedIp) {
            int s = slotOf(requestedIp);
            if (s >= 0 && state[s] == FREE) {
                slot = s;
            }
        }
        if (slot < 0) {
            for (int s = 0; s < poolSize; s++) {
                if (state[s] == FREE) {
                    slot = s;
                    break;
                }
            }
        }
        if (slot < 0) {
            exhausted++;
            if (lan.tracing()) {
                lan.event("DHCP " + Ip.format(address) + ": pool exhausted, DISCOVER unanswered");
            }
            return;
        }
        if (state[slot] != BOUND) {
            state[slot] = OFFERED;
            expires[slot] = now + OFFER_HOLD_NANOS;
        }
        claim(slot, in);
        reply(in, MessageType.OFFER, poolFirst + slot, true, now);
    }

    private void request(byte[] in, int dstIp, long now) {
        int ciaddr = Ip.get32(in, 12);
        RequestKind kind;
        if (hasServerId) {
            kind = RequestKind.SELECTING;
        } else if (ciaddr == 0) {
            if (!hasRequestedIp) {
                malformed++;
                return;
            }
            kind = RequestKind.INIT_REBOOT;
        } else {
            kind = dstIp == Ip.BROADCAST ? RequestKind.REBINDING : RequestKind.RENEWING;
        }
        requests[kind.ordinal()]++;
        if (kind == RequestKind.SELECTING && serverId != address) {
            int mine = slotOfClient();
            if (mine >= 0 && state[mine] == OFFERED) {
                state[mine] = FREE; // the client took another server's offer
            }
            return;
        }
        if (kind == RequestKind.RENEWING && ignoreRenewals) {
            if (lan.tracing()) {
                lan.event("DHCP " + Ip.format(address) + ": RENEWING request ignored (fault)");
            }
            return;
        }
        if (nakRequests > 0) {
            nakRequests--;
            nak(in, now);
            return;
        }
        int want = (kind == RequestKind.SELECTING || kind == RequestKind.INIT_REBOOT)
                ? (hasRequestedIp ? requestedIp : ciaddr) : ciaddr;
        int slot = slotOf(want);
        boolean mine = slot >= 0 && (state[slot] == OFFERED || state[slot] == BOUND) && sameClient(slot);
        switch (kind) {
            case SELECTING -> {
                if (mine) {
                    ack(in, slot, now);
                } else {
                    nak(in, now);
                }
            }
            case INIT_REBOOT -> {
                if ((want & subnetMask) != (address & subnetMask)) {
                    nak(in, now);
                } else if (mine && state[slot] == BOUND) {
                    ack(in, slot, now);
                } else if (slotOfClient() >= 0 || (slot >= 0 && state[slot] != FREE)) {
                    nak(in, now);
                } // else: no record of this client, RFC 2131 4.3.2 says stay silent
            }
            case RENEWING, REBINDING -> {
                if (mine && state[slot] == BOUND) {
                    ack(in, slot, now);
                } else if (slot >= 0 || kind == RequestKind.RENEWING) {
                    nak(in, now);
                } // a rebinding client of someone else's pool: not ours to answer
            }
        }
    }

    private void ack(byte[] in, int slot, long now) {
        state[slot] = BOUND;
        expires[slot] = leaseSeconds == INFINITE ? Long.MAX_VALUE : now + leaseSeconds * 1_000_000_000L;
        claim(slot, in);
        reply(in, MessageType.ACK, poolFirst + slot, true, now);
    }

    private void nak(byte[] in, long now) {
        reply(in, MessageType.NAK, 0, false, now);
    }

    private void decline(byte[] in) {
        if (!hasRequestedIp) {
            return;
        }
        int slot = slotOf(requestedIp);
        if (slot >= 0 && state[slot] != FREE && sameClient(slot)) {
            state[slot] = DECLINED;
            expires[slot] = Long.MAX_VALUE;
            if (lan.tracing()) {
                lan.event("DHCP " + Ip.format(address) + ": " + Ip.format(requestedIp) + " declined, not offered again");
            }
        }
    }

    private void release(byte[] in) {
        int slot = slotOf(Ip.get32(in, 12));
        if (slot >= 0 && state[slot] == BOUND && sameClient(slot)) {
            state[slot] = FREE;
        }
    }

    private void inform(byte[] in, long now) {
        reply(in, MessageType.INFORM, 0, false, now);
    }

    // ---------------------------------------------------------------- leases

    private void expire(long now) {
        for (int s = 0; s < poolSize; s++) {
            if ((state[s] == OFFERED || state[s] == BOUND) && expires[s] <= now) {
                if (lan.tracing()) {
                    lan.event("DHCP " + Ip.format(address) + ": lease of " + Ip.format(poolFirst + s) + " expired");
                }
                state[s] = FREE;
            }
        }
    }

    private int slotOf(int ip) {
        long off = Integer.toUnsignedLong(ip) - Integer.toUnsignedLong(poolFirst);
        return off >= 0 && off < poolSize ? (int) off : -1;
    }

    private int slotOfClient() {
        for (int s = 0; s < poolSize; s++) {
            if ((state[s] == OFFERED || state[s] == BOUND) && sameClient(s)) {
                return s;
            }
        }
        return -1;
    }

    private boolean sameClient(int slot) {
        return java.util.Arrays.equals(key[slot], 0, keyLen[slot], curKey, 0, curKeyLen);
    }

    private void claim(int slot, byte[] in) {
        System.arraycopy(curKey, 0, key[slot], 0, curKeyLen);
        keyLen[slot] = curKeyLen;
        if (hostOff >= 0) {
            int l = Math.min(hostLen, 64);
            System.arraycopy(in, hostOff, hostname[slot], 0, l);
            hostnameLen[slot] = l;
        }
    }

    // ---------------------------------------------------------------- answers

    /** {@code type} INFORM means an ACK without lease (RFC 2131 3.4). */
    private void reply(byte[] in, MessageType type, int yiaddr, boolean withLease, long now) {
        boolean inform = type == MessageType.INFORM;
        MessageType wire = inform ? MessageType.ACK : type;
        java.util.Arrays.fill(out, 0, OPTIONS, (byte) 0);
        out[0] = 2;
        out[1] = in[1];
        out[2] = in[2];
        System.arraycopy(in, 4, out, 4, 4);            // xid
        System.arraycopy(in, 10, out, 10, 2);          // flags
        int ciaddr = Ip.get32(in, 12);
        if (wire == MessageType.ACK) {
            Ip.put32(out, 12, ciaddr);
        }
        Ip.put32(out, 16, yiaddr);
        System.arraycopy(in, 24, out, 24, 4);          // giaddr
        System.arraycopy(in, 28, out, 28, 16);         // chaddr
        Ip.put32(out, 236, COOKIE);
        int limit = Math.min(maxSize >= 576 ? maxSize : 576, LanServices.MAX_DATAGRAM) - 1; // room for end
        int p = OPTIONS;
        out[p++] = 53;
        out[p++] = 1;
        out[p++] = (byte) wire.code();
        out[p++] = 54;
        out[p++] = 4;
        Ip.put32(out, p, address);
        p += 4;
        if (withLease) {
            p = put32Option(p, 51, (int) leaseSeconds, limit);
        }
        if (wire != MessageType.NAK) {
            if (paramOff >= 0) {
                for (int i = 0; i < paramLen; i++) {
                    p = option(in[paramOff + i] & 0xFF, withLease, p, limit);
                }
            } else {
                for (int code : DEFAULT_ORDER) {
                    p = option(code, withLease, p, limit);
                }
            }
        }
        out[p++] = (byte) 255;
        while (p < 300) {
            out[p++] = 0; // BOOTP's minimum message size (RFC 1542 2.1)
        }
        int dst;
        if (wire == MessageType.NAK) {
            dst = Ip.BROADCAST;
        } else if (ciaddr != 0) {
            dst = ciaddr;
        } else if ((in[10] & 0x80) != 0) {
            dst = Ip.BROADCAST;
        } else {
            dst = yiaddr;
        }
        sent[wire.code()]++;
        if (lan.tracing()) {
            lan.event("DHCP " + Ip.format(address) + ": " + wire + " yiaddr " + Ip.format(yiaddr) + " to "
                    + Ip.format(dst) + ":" + CLIENT_PORT);
        }
        lan.emit(address, SERVER_PORT, dst, CLIENT_PORT, out, p, now + replyDelayNanos);
    }

    private int option(int code, boolean withLease, int p, int limit) {
        switch (code) {
            case 1 -> p = put32Option(p, 1, subnetMask, limit);
            case 3 -> p = addresses(p, 3, routers, limit);
            case 6 -> p = addresses(p, 6, dnsServers, limit);
            case 42 -> p = addresses(p, 42, ntpServers, limit);
            case 15 -> {
                if (domain != null && p + 2 + domain.length <= limit) {
                    out[p++] = 15;
                    out[p++] = (byte) domain.length;
                    System.arraycopy(domain, 0, out, p, domain.length);
                    p += domain.length;
                }
            }
            case 58 -> {
                if (withLease && (leaseSeconds != INFINITE || t1Seconds > 0)) {
                    p = put32Option(p, 58, (int) t1(), limit);
                }
            }
            case 59 -> {
                if (withLease && (leaseSeconds != INFINITE || t2Seconds > 0)) {
                    p = put32Option(p, 59, (int) t2(), limit);
                }
            }
            default -> {
                // not an option this server has
            }
        }
        return p;
    }

    private int put32Option(int p, int code, int value, int limit) {
        if (p + 6 > limit) {
            return p;
        }
        out[p] = (byte) code;
        out[p + 1] = 4;
        Ip.put32(out, p + 2, value);
        return p + 6;
    }

    private int addresses(int p, int code, int[] list, int limit) {
        if (list.length == 0 || p + 2 + 4 * list.length > limit) {
            return p;
        }
        out[p++] = (byte) code;
        out[p++] = (byte) (4 * list.length);
        for (int a : list) {
            Ip.put32(out, p, a);
            p += 4;
        }
        return p;
    }

    private long t1() {
        return t1Seconds > 0 ? t1Seconds : leaseSeconds / 2;
    }

    private long t2() {
        return t2Seconds > 0 ? t2Seconds : leaseSeconds * 7 / 8;
    }

    // ---------------------------------------------------------------- faults and settings

    /** Silent: receives (and counts) every message, answers none, until switched off. */
    public DhcpServer silent(boolean on) {
        silent = on;
        return this;
    }

    /** Unicast RENEWING requests go unanswered (broadcast REBINDING ones are answered). */
    public DhcpServer ignoreRenewals(boolean on) {
        ignoreRenewals = on;
        return this;
    }

    /** The next {@code n} REQUESTs get a DHCPNAK, whatever they ask. */
    public DhcpServer nakRequests(int n) {
        nakRequests = checkCount(n);
        return this;
    }

    /** The next {@code n} messages are dropped unanswered. */
    public DhcpServer dropMessages(int n) {
        dropMessages = checkCount(n);
        return this;
    }

    /** Lease time of later OFFERs and ACKs ({@link #INFINITE}: never expires, no T1/T2 unless set). */
    public DhcpServer leaseSeconds(long seconds) {
        leaseSeconds = checkSeconds(seconds, "lease");
        return this;
    }

    /** T1 and T2 of later answers (0 = the defaults of lease/2 and lease*7/8). */
    public DhcpServer renewalTimes(long t1, long t2) {
        if (t1 < 0 || t2 < 0 || t1 > 0xFFFFFFFEL || t2 > 0xFFFFFFFEL) {
            throw new IllegalArgumentException("T1 and T2 must be 0..4294967294 s, got " + t1 + ", " + t2);
        }
        t1Seconds = t1;
        t2Seconds = t2;
        return this;
    }

    /** The server restarts without its lease database: every offer, lease and declined address is forgotten. */
    public DhcpServer forgetLeases() {
        java.util.Arrays.fill(state, FREE);
        return this;
    }

    /** Virtual time between a message and its answer. */
    public DhcpServer replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    // ---------------------------------------------------------------- inspection

    /** The server's address (its option 54). */
    public String address() {
        return Ip.format(address);
    }

    /** Messages of {@code type} received (counted before faults apply). */
    public int received(MessageType type) {
        return received[type.code()];
    }

    /** Messages of {@code type} sent. */
    public int sent(MessageType type) {
        return sent[type.code()];
    }

    /** REQUESTs received in each client state. */
    public int requests(RequestKind kind) {
        return requests[kind.ordinal()];
    }

    /** Messages ignored as malformed (short, bad cookie, option length past the end, no type). */
    public int malformed() {
        return malformed;
    }

    /** DISCOVERs unanswered because every address was taken. */
    public int poolExhausted() {
        return exhausted;
    }

    /** The xid of the last message received. */
    public int lastXid() {
        return lastXid;
    }

    /** Option 55 of the last message, or null when it had none. */
    public int[] lastParameterList() {
        if (lastParamsLen < 0) {
            return null;
        }
        int[] r = new int[lastParamsLen];
        for (int i = 0; i < r.length; i++) {
            r[i] = lastParams[i] & 0xFF;
        }
        return r;
    }

    /** Option 57 of the last message, or -1. */
    public int lastMaxMessageSize() {
        return lastMaxSize;
    }

    /** Offers, leases and declined addresses as of {@code nowNanos} (the simulator's clock). */
    public List<Lease> leases(long nowNanos) {
        List<Lease> r = new ArrayList<>();
        for (int s = 0; s < poolSize; s++) {
            boolean live = state[s] == DECLINED || ((state[s] == OFFERED || state[s] == BOUND) && expires[s] > nowNanos);
            if (live) {
                r.add(new Lease(Ip.format(poolFirst + s), HexFormat.of().formatHex(key[s], 0, keyLen[s]),
                        new String(hostname[s], 0, hostnameLen[s], java.nio.charset.StandardCharsets.US_ASCII),
                        LeaseState.values()[state[s] - 1], expires[s]));
            }
        }
        return r;
    }

    /** {@link #leases(long)} at the simulator's current time. */
    public List<Lease> leases() {
        return leases(lan.now());
    }

    @Override
    public String toString() {
        return "DHCP server " + address();
    }
}
