package dev.w5100alert.firmware.dhcp;

import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.UdpLink;

/**
 * DHCP client (RFC 2131 §4.4) as one state machine stepped by {@link #doWork(long)}: it never waits
 * and says when it next needs time ({@link #pollAt()}).
 *
 * <pre>
 * INIT -DISCOVER-> SELECTING -OFFER/REQUEST-> REQUESTING -ACK-> CHECKING -free-> BOUND
 *                                               |NAK/60 s         |taken: DECLINE, 10 s, INIT
 * BOUND -T1-> RENEWING (unicast REQUEST) -T2-> REBINDING (broadcast) -expiry-> INIT (address dropped)
 *          ACK in RENEWING/REBINDING -> BOUND; NAK -> INIT (address dropped)
 * </pre>
 *
 * <ul>
 *   <li>A fresh random xid per exchange; a reply counts only with op BOOTREPLY, htype 1, hlen 6, our
 *       xid, our chaddr, a message type and a server identifier, and (REQUESTING, RENEWING) from the
 *       server we asked.</li>
 *   <li>Retransmission: 4, 8, 16, 32, 64 s, each ±1 s at random (§4.1); SELECTING keeps going at 64 s,
 *       REQUESTING gives up after 4 tries (back to INIT). RENEWING and REBINDING retransmit after half
 *       the time left to T2 / expiry, at least 60 s, never past it.</li>
 *   <li>Address-in-use check: after the ACK the client takes the address and sends one datagram to it;
 *       the chip ARPs for it. An ARP timeout ({@link UdpLink#UNREACHABLE}) means free; a delivered
 *       datagram means someone answered ARP: DECLINE, drop the address, INIT after 10 s (§3.1.5). This
 *       is the vendor's method, but sent without waiting ({@link UdpLink#sendStart}) and polled from
 *       {@code doWork}, so the loop goes on during the chip's ARP give-up time, RTR × (RCR+1).</li>
 *   <li>The lease lives here, not in the chip: {@link #chipReset(long)} (or a link failure) re-opens
 *       port 68 and writes the leased address again.</li>
 * </ul>
 * Allocation-free after construction.
 */
public final class DhcpClient {

    /** Client states (RFC 2131 figure 5, plus CHECKING for the address-in-use probe and DECLINED). */
    public enum State { INIT, SELECTING, REQUESTING, CHECKING, BOUND, RENEWING, REBINDING, DECLINED }

    /** What the board logs. */
    public enum Event { BOUND, RENEWED, REBOUND, LOST, NAK, DECLINED }

    /** Where the address goes: the W5100's SIPR/SUBR/GAR ({@code W5100Driver.setAddress}). */
    public interface Interface {
        /** {@code ip} 0 = unaddressed (broadcast only). */
        void setAddress(int ip, int subnet, int router);
    }

    /** Told of lease changes; called on the loop thread. */
    public interface Listener {
        void onEvent(Event event, DhcpClient client);

        Listener NONE = (e, c) -> { };
    }

    static final long SECOND = 1_000_000_000L;
    static final int REQUEST_TRIES = 4;
    static final long DECLINE_WAIT_NANOS = 10 * SECOND;
    static final long MIN_RENEW_RETRY_NANOS = 60 * SECOND;
    /** Port the address-in-use probe is sent to (discard); nobody needs to listen there. */
    static final int PROBE_PORT = 9;
    private static final int BROADCAST = -1;

    private final UdpLink link;
    private final Interface netif;
    private final RandomSource random;
    private final long mac;
    private final byte[] hostname = new byte[63];
    private final int hostnameLength;
    private final byte[] buffer = new byte[1024];
    private final DhcpPacket packet = new DhcpPacket();
    private Listener listener = Listener.NONE;

    private State state = State.INIT;
    private int xid;
    /** Next deadline; in INIT when to start (a new client starts at once). */
    private int tries;
    private long deadline = Long.MIN_VALUE;
    private long startedAt;
    private long requestSentAt;
    private int offered;
    private int offerServer;
    /** CHECKING: the probe datagram is out and being polled. */
    private boolean probing;

    // The lease (valid in CHECKING, BOUND, RENEWING, REBINDING).
    private int address;
    private int subnet;
    private int router;
    private int server;
    private final int[] dns = new int[DhcpPacket.MAX_ADDRESSES];
    private int dnsCount;
    private final int[] ntp = new int[DhcpPacket.MAX_ADDRESSES];
    private int ntpCount;
    private long leaseSeconds;
    private long renewAt;
    private long rebindAt;
    private long expiresAt;

    private long ignored;
    private long renewals;
    private long rebinds;
    private long losses;
    private long naks;
    private long declines;

    /**
     * @param mac      the chip's MAC (chaddr and client identifier)
     * @param hostname option 12, ASCII letters/digits/'-', at most 63; empty leaves it out
     */
    public DhcpClient(UdpLink link, Interface netif, RandomSource random, long mac, CharSequence hostname) {
        if (link == null || netif == null || random == null) {
            throw new IllegalArgumentException("link, interface and random are required");
        }
        int n = hostname == null ? 0 : hostname.length();
        if (n > this.hostname.length) {
            throw new IllegalArgumentException("host name longer than 63 characters");
        }
        for (int i = 0; i < n; i++) {
            char c = hostname.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                throw new IllegalArgumentException("host name may hold only letters, digits and '-'");
            }
            this.hostname[i] = (byte) c;
        }
        this.hostnameLength = n;
        this.link = link;
        this.netif = netif;
        this.random = random;
        this.mac = mac;
    }

    public void listener(Listener l) {
        this.listener = l == null ? Listener.NONE : l;
    }

    /** Runs what is due at {@code now} (monotonic nanos); returns {@link #pollAt()}. */
    public long doWork(long now) {
        if (state == State.INIT) {
            if (deadline == Long.MIN_VALUE || now - deadline >= 0) {
                startDiscover(now);
            }
            return pollAt();
        }
        if (probing) {
            int r = link.sendPoll();
            if (r != UdpLink.PENDING) {
                probing = false;
                probed(now, r);
                return pollAt();
            }
        }
        for (int k = 0; k < 4; k++) {
            if (!link.isBound()) {
                chipReset(now);
                break;
            }
            int n = link.receive(buffer, 0, buffer.length);
            if (n == UdpLink.NONE) {
                break;
            }
            if (n == UdpLink.FAILED) {
                chipReset(now);
                break;
            }
            take(now, n);
        }
        if (now - deadline >= 0) {
            timer(now);
        }
        return pollAt();
    }

    /** Monotonic time of the next deadline. */
    public long pollAt() {
        return deadline;
    }

    /**
     * The chip was reset (or its socket died): re-open port 68 and, if a lease is held, write its
     * address again. The lease and its timers carry on unchanged.
     */
    public void chipReset(long now) {
        if (probing) {
            probing = false; // the probe went with the socket: send it again
            deadline = now;
        }
        link.close();
        if (!link.bind(DhcpPacket.CLIENT_PORT)) {
            deadline = now + SECOND; // device not ready: try again shortly
            return;
        }
        if (hasAddress()) {
            netif.setAddress(address, subnet, router);
        } else {
            netif.setAddress(0, 0, 0);
        }
    }

    private boolean hasAddress() {
        return state == State.CHECKING || state == State.BOUND || state == State.RENEWING || state == State.REBINDING;
    }

    private void startDiscover(long now) {
        if (!link.isBound() && !link.bind(DhcpPacket.CLIENT_PORT)) {
            state = State.SELECTING;
            tries = 0;
            deadline = now + SECOND;
            return;
        }
        netif.setAddress(0, 0, 0);
        xid = random.nextInt();
        startedAt = now;
        tries = 0;
        state = State.SELECTING;
        sendDiscover(now);
    }

    private void sendDiscover(long now) {
        int len = DhcpPacket.write(buffer, DhcpPacket.DISCOVER, xid, secs(now), true, 0, mac, 0, 0, hostname, hostnameLength);
        link.send(BROADCAST, DhcpPacket.SERVER_PORT, buffer, 0, len);
        deadline = now + backoff(tries++);
    }

    private void sendRequest(long now) {
        int len;
        if (state == State.REQUESTING) {
            len = DhcpPacket.write(buffer, DhcpPacket.REQUEST, xid, secs(now), true, 0, mac, offered, offerServer,
                    hostname, hostnameLength);
            link.send(BROADCAST, DhcpPacket.SERVER_PORT, buffer, 0, len);
            deadline = now + backoff(tries++);
        } else {
            // RENEWING: unicast to the server; REBINDING: broadcast. ciaddr set, no 50/54 (§4.3.2).
            len = DhcpPacket.write(buffer, DhcpPacket.REQUEST, xid, secs(now), false, address, mac, 0, 0,
                    hostname, hostnameLength);
            link.send(state == State.RENEWING ? server : BROADCAST, DhcpPacket.SERVER_PORT, buffer, 0, len);
            long until = state == State.RENEWING ? rebindAt : expiresAt;
            long wait = Math.max((until - now) / 2, MIN_RENEW_RETRY_NANOS);
            deadline = until - now <= wait ? until : now + wait;
        }
        requestSentAt = requestSentAt == Long.MIN_VALUE ? now : requestSentAt;
    }

    /** 4, 8, 16, 32, 64, 64 ... s, each ±1 s. */
    private long backoff(int attempt) {
        long base = (4L << Math.min(attempt, 4)) * SECOND;
        return base - SECOND + random.nextInt(2_000_000) * 1000L;
    }

    private int secs(long now) {
        return (int) Math.min((now - startedAt) / SECOND, 0xFFFF);
    }

    private void timer(long now) {
        switch (state) {
            case SELECTING -> sendDiscover(now);
            case REQUESTING -> {
                if (tries >= REQUEST_TRIES) {
                    restart(now, 0);
                } else {
                    sendRequest(now);
                }
            }
            case CHECKING -> {
                if (probing) {
                    probing = false;
                    probed(now, link.sendGiveUp());
                } else {
                    probe(now);
                }
            }
            case BOUND -> {
                state = State.RENEWING;
                beginExchange(now);
            }
            case RENEWING -> {
                if (now - rebindAt >= 0) {
                    state = State.REBINDING;
                    beginExchange(now);
                } else {
                    sendRequest(now);
                }
            }
            case REBINDING -> {
                if (now - expiresAt >= 0) {
                    losses++;
                    restart(now, 0);
                    listener.onEvent(Event.LOST, this);
                } else {
                    sendRequest(now);
                }
            }
            case DECLINED -> restart(now, 0);
            case INIT -> startDiscover(now);
        }
    }

    private void beginExchange(long now) {
        xid = random.nextInt();
        startedAt = now;
        requestSentAt = Long.MIN_VALUE;
        sendRequest(now);
    }

    /** Back to INIT: the address is no longer ours; DISCOVER again after {@code delay}. */
    private void restart(long now, long delay) {
        address = 0;
        netif.setAddress(0, 0, 0);
        state = State.INIT;
        deadline = now + delay;
        if (delay == 0) {
            startDiscover(now);
        }
    }

    private void take(long now, int n) {
        if (packet.read(buffer, n) != DhcpPacket.OK || packet.op != DhcpPacket.BOOTREPLY || packet.htype != 1
                || packet.hlen != 6 || packet.xid != xid || packet.chaddr != mac || packet.serverId == 0) {
            ignored++;
            return;
        }
        int type = packet.messageType;
        switch (state) {
            case SELECTING -> {
                if (type != DhcpPacket.OFFER || !usable(packet.yiaddr)) {
                    ignored++;
                    return;
                }
                offered = packet.yiaddr;
                offerServer = packet.serverId;
                state = State.REQUESTING;
                tries = 0;
                requestSentAt = Long.MIN_VALUE;
                sendRequest(now);
            }
            case REQUESTING, RENEWING, REBINDING -> {
                int expectServer = state == State.REQUESTING ? offerServer : state == State.RENEWING ? server : 0;
                if (expectServer != 0 && packet.serverId != expectServer) {
                    ignored++;
                    return;
                }
                if (type == DhcpPacket.NAK) {
                    naks++;
                    boolean had = state != State.REQUESTING;
                    if (had) {
                        losses++;
                    }
                    // A short randomised pause: a server that NAKs everything must not get a storm.
                    restart(now, backoff(0));
                    listener.onEvent(had ? Event.LOST : Event.NAK, this);
                    return;
                }
                if (type != DhcpPacket.ACK || !usable(packet.yiaddr) || packet.lease < 0
                        || (state == State.REQUESTING && packet.yiaddr != offered)) {
                    ignored++;
                    return;
                }
                State was = state;
                boolean moved = was != State.REQUESTING && packet.yiaddr != address;
                takeLease(packet);
                if (was == State.REQUESTING || moved) {
                    state = State.CHECKING;
                    netif.setAddress(address, subnet, router);
                    probe(now);
                } else {
                    state = State.BOUND;
                    deadline = renewAt;
                    if (was == State.RENEWING) {
                        renewals++;
                        listener.onEvent(Event.RENEWED, this);
                    } else {
                        rebinds++;
                        listener.onEvent(Event.REBOUND, this);
                    }
                }
            }
            default -> ignored++;
        }
    }

    private static boolean usable(int ip) {
        return ip != 0 && ip != -1 && (ip >>> 24) != 127 && (ip >>> 28) < 14;
    }

    private void takeLease(DhcpPacket p) {
        address = p.yiaddr;
        server = p.serverId;
        subnet = p.subnet != 0 ? p.subnet : 0xFFFF_FF00;
        router = p.router;
        dnsCount = p.dnsCount;
        System.arraycopy(p.dns, 0, dns, 0, dnsCount);
        ntpCount = p.ntpCount;
        System.arraycopy(p.ntp, 0, ntp, 0, ntpCount);
        // 0xFFFFFFFF is "infinite"; a year is as long as we plan ahead, and keeps the sums in range.
        long lease = Math.min(p.lease, 365L * 86_400);
        long t2 = p.t2 >= 0 && p.t2 < lease ? p.t2 : lease * 7 / 8;
        long t1 = p.t1 >= 0 && p.t1 < t2 ? p.t1 : Math.min(lease / 2, t2);
        leaseSeconds = lease;
        long from = requestSentAt == Long.MIN_VALUE ? 0 : requestSentAt; // §4.4.1: lease counts from the REQUEST
        renewAt = from + t1 * SECOND;
        rebindAt = from + t2 * SECOND;
        expiresAt = from + lease * SECOND;
    }

    /** The address-in-use check; see the class comment. */
    private void probe(long now) {
        buffer[0] = 0;
        int r = link.sendStart(address, PROBE_PORT, buffer, 0, 1);
        if (r < 0) {
            probed(now, r);
            return;
        }
        probing = true;
        deadline = now + link.sendGiveUpNanos();
    }

    private void probed(long now, int r) {
        if (r == UdpLink.UNREACHABLE) {
            state = State.BOUND;
            deadline = renewAt;
            listener.onEvent(Event.BOUND, this);
        } else if (r >= 0) {
            declines++;
            int len = DhcpPacket.write(buffer, DhcpPacket.DECLINE, xid, 0, false, 0, mac, address, server, hostname, 0);
            netif.setAddress(0, 0, 0);
            link.send(BROADCAST, DhcpPacket.SERVER_PORT, buffer, 0, len);
            address = 0;
            state = State.DECLINED;
            deadline = now + DECLINE_WAIT_NANOS;
            listener.onEvent(Event.DECLINED, this);
        } else {
            chipReset(now);
            deadline = now + SECOND; // link trouble: probe again shortly
        }
    }

    // ---------------------------------------------------------------- the lease, for the board

    public State state() {
        return state;
    }

    /** True while the address may be used (BOUND, RENEWING, REBINDING). */
    public boolean bound() {
        return state == State.BOUND || state == State.RENEWING || state == State.REBINDING;
    }

    public int address() {
        return bound() ? address : 0;
    }

    public int subnet() {
        return subnet;
    }

    public int router() {
        return router;
    }

    public int server() {
        return server;
    }

    /** DNS servers of the lease (option 6) into {@code dst}; returns how many. */
    public int dnsServers(int[] dst) {
        System.arraycopy(dns, 0, dst, 0, Math.min(dnsCount, dst.length));
        return dnsCount;
    }

    /** NTP servers of the lease (option 42) into {@code dst}; returns how many. */
    public int ntpServers(int[] dst) {
        System.arraycopy(ntp, 0, dst, 0, Math.min(ntpCount, dst.length));
        return ntpCount;
    }

    public long leaseSeconds() {
        return leaseSeconds;
    }

    public long renewAt() {
        return renewAt;
    }

    public long rebindAt() {
        return rebindAt;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public long ignored() {
        return ignored;
    }

    public long renewals() {
        return renewals;
    }

    public long rebinds() {
        return rebinds;
    }

    public long losses() {
        return losses;
    }

    public long naks() {
        return naks;
    }

    public long declines() {
        return declines;
    }
}
