package dev.w5100alert.firmware.lan;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.UdpLink;
import dev.w5100alert.firmware.ntp.SntpClient;
import dev.w5100alert.firmware.time.NetworkClock;

/**
 * The board's LAN jobs in one agent: DHCP (or a static address), the DNS lookup of the mail server's
 * name, and network time, stepped by {@link #doWork(long)} from the firmware loop, which never blocks
 * on them and learns their next deadline from the return value.
 *
 * <p>Socket plan (the W5100 has four): the DHCP client owns one UDP socket (port 68) for as long as
 * the board runs in DHCP mode; DNS and SNTP share a second one, one exchange at a time (each moves the
 * socket to a fresh random port, so a late answer to the other job is dropped by the chip); SMTP owns
 * a TCP socket while it sends; the fourth is left for a status page.
 *
 * <p>Order of work: the address first; then the mail server's name (re-resolved every
 * {@link #RERESOLVE_NANOS}, the last good answer kept when a later lookup fails); then time. DNS and
 * NTP servers come from the configuration when it names any, else from the lease (options 6, 42).
 * <p>The returned deadline is the next timer; while a reply is awaited ({@link #waitingForReply()}),
 * the loop calls {@code doWork} at its polling rate (or when the chip's interrupt line says a datagram
 * came). Allocation-free after construction.
 */
public final class LanAgent {

    /** A name's answer is looked up again after this long (the resolver's cache honours the TTL). */
    public static final long RERESOLVE_NANOS = 300_000_000_000L;
    /** After a failed lookup, the next try. */
    public static final long LOOKUP_RETRY_NANOS = 15_000_000_000L;

    private final DhcpClient dhcp;
    private final DnsResolver dns;
    private final SntpClient sntp;
    private final NetworkClock clock;
    private final int[] configDns;
    private final int[] configNtp;
    private final boolean timeFromDhcp;
    private final CharSequence mailHost;
    private final int[] scratch = new int[3];

    private boolean leaseSeen;
    private int mailServer;
    private long lookupAt;
    private boolean lookupRunning;
    private long lookups;
    private long failedLookups;

    /**
     * @param dhcp         the DHCP client, or null for a static address (then the driver's configured one)
     * @param lookupLink   the UDP socket DNS and SNTP share
     * @param configDns    DNS servers from the configuration (empty: take the lease's)
     * @param ntp          NTP servers from the configuration; empty with {@code timeFromDhcp} takes the
     *                     lease's; empty without it turns network time off
     * @param mailHost     the mail server as a name or an IPv4 literal
     */
    public LanAgent(DhcpClient dhcp, UdpLink lookupLink, NetworkClock clock, RandomSource random, int[] configDns,
                    int[] ntp, boolean timeFromDhcp, long resyncNanos, CharSequence mailHost) {
        if (lookupLink == null || clock == null || random == null || mailHost == null) {
            throw new IllegalArgumentException("lookup link, clock, random and mail host are required");
        }
        this.dhcp = dhcp;
        this.clock = clock;
        this.dns = new DnsResolver(lookupLink, random, 8);
        this.sntp = new SntpClient(lookupLink, clock, random, resyncNanos);
        this.configDns = configDns.clone();
        this.configNtp = ntp.clone();
        this.timeFromDhcp = timeFromDhcp;
        this.mailHost = mailHost;
        if (configDns.length > 0) {
            dns.servers(this.configDns, this.configDns.length);
        }
        if (configNtp.length > 0) {
            sntp.servers(this.configNtp, this.configNtp.length);
        }
    }

    /** Runs what is due at {@code now}; returns the next deadline (monotonic nanos). */
    public long doWork(long now) {
        long next = Long.MAX_VALUE;
        if (dhcp != null) {
            next = dhcp.doWork(now);
            if (!dhcp.bound()) {
                leaseSeen = false;
                return next; // nothing else can run without an address
            }
            if (!leaseSeen) {
                leaseSeen = true;
                takeLeaseServers();
                lookupAt = now; // a new lease may mean a new network: look the name up again
            }
        }
        if (lookupRunning) {
            next = Math.min(next, dns.doWork(now));
            finishLookup(now);
        } else if (now - lookupAt >= 0 && !sntp.busy()) {
            startLookup(now);
            next = Math.min(next, dns.pollAt());
        } else {
            next = Math.min(next, lookupAt);
        }
        if (!lookupRunning) {
            next = Math.min(next, sntp.doWork(now));
            if (sntp.busy()) {
                next = Math.min(next, sntp.pollAt());
            }
        }
        return next;
    }

    private void takeLeaseServers() {
        if (configDns.length == 0) {
            dns.servers(scratch, dhcp.dnsServers(scratch));
            dns.flush();
        }
        if (configNtp.length == 0 && timeFromDhcp) {
            sntp.servers(scratch, dhcp.ntpServers(scratch));
        }
    }

    private void startLookup(long now) {
        lookups++;
        DnsResolver.Status s = dns.resolve(mailHost, now);
        lookupRunning = s == DnsResolver.Status.PENDING;
        if (lookupRunning) {
            dns.doWork(now);
        }
        finishLookup(now);
    }

    private void finishLookup(long now) {
        DnsResolver.Status s = dns.status();
        if (s == DnsResolver.Status.PENDING) {
            return;
        }
        lookupRunning = false;
        if (s == DnsResolver.Status.RESOLVED) {
            mailServer = dns.address();
            lookupAt = now + RERESOLVE_NANOS;
        } else {
            failedLookups++;
            lookupAt = now + LOOKUP_RETRY_NANOS; // the last good address (if any) stays in use
        }
    }

    /** True while a DHCP, DNS or SNTP reply is awaited: poll {@link #doWork} at the loop's rate. */
    public boolean waitingForReply() {
        boolean dhcpWaiting = dhcp != null && dhcp.state() != DhcpClient.State.BOUND;
        return dhcpWaiting || lookupRunning || sntp.busy();
    }

    /** The chip was reset: DHCP writes its lease back; the lookup socket re-opens on its next use. */
    public void chipReset(long now) {
        if (dhcp != null) {
            dhcp.chipReset(now);
        }
    }

    /** True when the board has an address (always with a static one). */
    public boolean addressed() {
        return dhcp == null || dhcp.bound();
    }

    /** The mail server's address, or 0 while it is not known. */
    public int mailServer() {
        return mailServer;
    }

    /** Whether mail may go now: addressed, server known, and time known or waited for long enough. */
    public boolean mailMayGo(long now, long sinceNanos, long maxTimeWaitNanos) {
        // No time server at all (ntp = off, or a lease without option 42): nothing to wait for.
        boolean timeOff = sntp.serverCount() == 0 && (!timeFromDhcp || dhcp == null || leaseSeen);
        return addressed() && mailServer != 0
                && (timeOff || clock.mailMayGo(now, sinceNanos, maxTimeWaitNanos));
    }

    public DhcpClient dhcp() {
        return dhcp;
    }

    public DnsResolver dns() {
        return dns;
    }

    public SntpClient sntp() {
        return sntp;
    }

    public NetworkClock clock() {
        return clock;
    }

    public long lookups() {
        return lookups;
    }

    public long failedLookups() {
        return failedLookups;
    }
}
