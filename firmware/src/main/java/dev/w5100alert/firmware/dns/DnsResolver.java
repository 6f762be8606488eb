package dev.w5100alert.firmware.dns;

import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.UdpLink;

/**
 * Stub resolver for A records (RFC 1035) hardened as RFC 5452 asks. Stepped by {@link #doWork(long)},
 * which never waits and reports its next deadline ({@link #pollAt()}).
 *
 * <p>Each query goes out with a fresh random ID and a fresh random source port, to one server; a reply
 * is looked at only if it comes from that server's port 53, and counts only with the same ID, QR set
 * and the same question ({@link DnsMessage#readReply}). Anything else is dropped and the query keeps
 * waiting. Truncation, SERVFAIL/REFUSED, a malformed answer or a timeout moves on to the next server;
 * two rounds over the servers, the second with doubled timeouts (2 s, then 4 s). NXDOMAIN and "no A
 * record" are final. Answers are cached for their TTL (capped at {@value #MAX_TTL_SECONDS} s) in a
 * fixed table. Allocation-free after construction.
 */
public final class DnsResolver {

    public static final int MAX_SERVERS = 3;
    public static final long MAX_TTL_SECONDS = 86_400;
    static final long FIRST_TIMEOUT_NANOS = 2_000_000_000L;
    static final int ROUNDS = 2;

    /** Where the current lookup is. */
    public enum Status { IDLE, PENDING, RESOLVED, NOT_FOUND, FAILED }

    private final UdpLink link;
    private final RandomSource random;
    private final DnsMessage reader = new DnsMessage();
    private final byte[] buffer = new byte[DnsMessage.MAX_UDP];
    private final byte[] name = new byte[DnsMessage.MAX_NAME];
    private int nameLength;
    private final int[] servers = new int[MAX_SERVERS];
    private int serverCount;

    private final byte[][] cacheName;
    private final int[] cacheLength;
    private final int[] cacheAddress;
    private final long[] cacheExpires;

    private Status status = Status.IDLE;
    private int attempt;
    private int server;
    private int queryId;
    private long deadline;
    private int address;
    private long ignored;
    private long queries;
    private long cacheHits;

    public DnsResolver(UdpLink link, RandomSource random, int cacheEntries) {
        if (link == null || random == null) {
            throw new IllegalArgumentException("link and random are required");
        }
        if (cacheEntries < 0 || cacheEntries > 64) {
            throw new IllegalArgumentException("cache entries must be 0..64");
        }
        this.link = link;
        this.random = random;
        this.cacheName = new byte[cacheEntries][DnsMessage.MAX_NAME];
        this.cacheLength = new int[cacheEntries];
        this.cacheAddress = new int[cacheEntries];
        this.cacheExpires = new long[cacheEntries];
    }

    /** Replaces the DNS servers (DHCP option 6 or configuration); at most {@value #MAX_SERVERS}. */
    public void servers(int[] ips, int count) {
        serverCount = 0;
        for (int i = 0; i < Math.min(count, MAX_SERVERS); i++) {
            if (ips[i] != 0 && ips[i] != -1) {
                servers[serverCount++] = ips[i];
            }
        }
    }

    public int serverCount() {
        return serverCount;
    }

    /**
     * Starts looking up {@code host}. An IPv4 literal or a cached name resolves at once
     * ({@link Status#RESOLVED}); a bad name is {@link Status#NOT_FOUND}; else {@link Status#PENDING}
     * and the first query goes out on the next {@link #doWork}. A lookup in progress is abandoned.
     */
    public Status resolve(CharSequence host, long now) {
        int literal = ipv4Literal(host);
        if (literal != 0) {
            address = literal;
            return status = Status.RESOLVED;
        }
        nameLength = DnsMessage.encodeName(host, name);
        if (nameLength < 0) {
            return status = Status.NOT_FOUND;
        }
        for (int i = 0; i < cacheLength.length; i++) {
            if (cacheLength[i] > 0 && now - cacheExpires[i] < 0
                    && DnsMessage.sameName(cacheName[i], cacheLength[i], name, nameLength)) {
                address = cacheAddress[i];
                cacheHits++;
                return status = Status.RESOLVED;
            }
        }
        if (serverCount == 0) {
            return status = Status.FAILED;
        }
        attempt = 0;
        server = 0;
        deadline = now;
        queryId = -1; // nothing sent yet
        return status = Status.PENDING;
    }

    /** Runs what is due; returns {@link #pollAt()}. */
    public long doWork(long now) {
        if (status != Status.PENDING) {
            return Long.MAX_VALUE;
        }
        if (queryId >= 0) {
            for (int k = 0; k < 4 && status == Status.PENDING; k++) {
                int n = link.receive(buffer, 0, buffer.length);
                if (n == UdpLink.NONE) {
                    break;
                }
                if (n == UdpLink.FAILED) {
                    next(now);
                    break;
                }
                take(now, n);
            }
        }
        if (status == Status.PENDING && now - deadline >= 0) {
            if (queryId >= 0) {
                next(now);
            }
            if (status == Status.PENDING) {
                send(now);
            }
        }
        return pollAt();
    }

    public long pollAt() {
        return status == Status.PENDING ? deadline : Long.MAX_VALUE;
    }

    private void send(long now) {
        queryId = random.nextInt() & 0xFFFF;
        int port = 1024 + random.nextInt(65536 - 1024);
        long timeout = FIRST_TIMEOUT_NANOS << (attempt / serverCount);
        deadline = now + timeout;
        if (!link.bind(port)) {
            return; // tried again at the deadline, as a lost query
        }
        int len = DnsMessage.writeQuery(buffer, queryId, name, nameLength);
        queries++;
        link.send(servers[server], DnsMessage.PORT, buffer, 0, len);
        // UNREACHABLE / FAILED: no answer will come; the deadline moves us on.
    }

    private void take(long now, int n) {
        if (link.sourceIp() != servers[server] || link.sourcePort() != DnsMessage.PORT) {
            ignored++;
            return;
        }
        int r = reader.readReply(buffer, n, queryId, name, nameLength);
        switch (r) {
            case DnsMessage.ADDRESS -> {
                address = reader.address();
                remember(now, reader.ttl());
                status = Status.RESOLVED;
            }
            case DnsMessage.NXDOMAIN, DnsMessage.NO_ADDRESS -> status = Status.NOT_FOUND;
            case DnsMessage.MISMATCH -> ignored++;
            default -> {
                next(now);
                if (status == Status.PENDING) {
                    send(now);
                }
            }
        }
    }

    /** This server failed us: the next one, or the next round, or give up. */
    private void next(long now) {
        attempt++;
        if (attempt >= serverCount * ROUNDS) {
            status = Status.FAILED;
            return;
        }
        server = attempt % serverCount;
        deadline = now;
    }

    private void remember(long now, long ttlSeconds) {
        if (ttlSeconds <= 0 || cacheLength.length == 0) {
            return;
        }
        long expires = now + Math.min(ttlSeconds, MAX_TTL_SECONDS) * 1_000_000_000L;
        int slot = 0;
        for (int i = 0; i < cacheLength.length; i++) {
            if (cacheLength[i] > 0 && DnsMessage.sameName(cacheName[i], cacheLength[i], name, nameLength)) {
                slot = i;
                break;
            }
            if (cacheLength[i] == 0 || now - cacheExpires[i] >= 0) {
                slot = i;
                break;
            }
            if (cacheExpires[i] - cacheExpires[slot] < 0) {
                slot = i; // evict the entry that expires first
            }
        }
        System.arraycopy(name, 0, cacheName[slot], 0, nameLength);
        cacheLength[slot] = nameLength;
        cacheAddress[slot] = address;
        cacheExpires[slot] = expires;
    }

    /** Drops every cached answer (e.g. after the DNS servers changed). */
    public void flush() {
        java.util.Arrays.fill(cacheLength, 0);
    }

    public Status status() {
        return status;
    }

    /** The address once {@link Status#RESOLVED}. */
    public int address() {
        return address;
    }

    /** True while a query is out (the link is in use). */
    public boolean busy() {
        return status == Status.PENDING;
    }

    public long ignored() {
        return ignored;
    }

    public long queries() {
        return queries;
    }

    public long cacheHits() {
        return cacheHits;
    }

    /** {@code a.b.c.d} as an address, or 0 if {@code s} is not such a literal (0.0.0.0 is not one). */
    static int ipv4Literal(CharSequence s) {
        int value = 0;
        int octet = -1;
        int parts = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (octet < 0 || ++parts > 4) {
                    return 0;
                }
                value = value << 8 | octet;
                octet = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9' && ++digits <= 3) {
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (octet > 255) {
                    return 0;
                }
            } else {
                return 0;
            }
        }
        return parts == 4 ? value : 0;
    }
}
