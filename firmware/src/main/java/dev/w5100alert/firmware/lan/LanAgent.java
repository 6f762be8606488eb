package dev.w5100alert.firmware.lan;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.UdpLink;
import dev.w5100alert.firmware.ntp.SntpClient;
import dev.w5100alert.firmware.time.NetworkClock;

/**
 * The board's LAN jobs in one agent: DHCP (or a static address), the DNS lookups of the mail server's
 * and the configured time servers' names, and network time, stepped by {@link #doWork(long)} from the
 * firmware loop, which never blocks on them and learns their next deadline from the return value.
 *
 * <p>Socket plan (the W5100 has four): the DHCP client owns one UDP socket (port 68) for as long as
 * the board runs in DHCP mode; DNS and SNTP share a second one, one exchange at a time (each moves the
 * socket to a fresh random port, so a late answer to the other job is dropped by the chip); SMTP owns
 * a TCP socket while it sends; the fourth is left for a status page.
 *
 * <p>Order of work: the address first; then a lookup round (the mail server, then each configured time
 * server name; names that are IPv4 literals need no query), repeated every {@link #RERESOLVE_NANOS}
 * and after each new lease, the last good answer kept when a later lookup fails; then time. DNS
 * servers come from the configuration when it names any, else from the lease (option 6); time servers
 * from the configuration, else (with {@code timeFromDhcp}) from the lease (option 42), else none.
 *
 * <p>The returned deadline is the next timer; while a reply is awaited ({@link #waitingForReply()}),
 * the loop calls {@code doWork} at its polling rate (or when the chip's interrupt line says a datagram
 * came). Allocation-free after construction.
 */
public final class LanAgent {

    /** A lookup round is repeated after this long (the resolver's cache honours the TTL). */
    public static final long RERESOLVE_NANOS = 300_000_000_000L;
    /** After a round with a failed lookup, the next round. */
    public static final long LOOKUP_RETRY_NANOS = 15_000_000_000L;

    private final DhcpClient dhcp;
    private final DnsResolver dns;
    private final SntpClient sntp;
    private final NetworkClock clock;
    private final int[] configDns;
    /** Index 0: the mail server; 1..: configured time servers. */
    private final CharSequence[] hosts;
    private final int[] addresses;
    private final int[] ntpAddresses;
    private final boolean timeFromDhcp;
    private final int[] scratch = new int[3];

    private boolean leaseSeen;
    private DhcpClient.Interface fallbackNetif;
    private int fallbackIp;
    private int fallbackSubnet;
    private int fallbackGateway;
    private long fallbackAfter;
    private long dhcpSince;
    private boolean dhcpStarted;
    private boolean fellBack;
    private long lookupAt;
    private int lookupIndex = -1;
    private boolean roundFailed;
    private long lookups;
    private long failedLookups;

    /**
     * @param dhcp         the DHCP client, or null for a static address (then the driver's configured one)
     * @param lookupLink   the UDP socket DNS and SNTP share
     * @param configDns    DNS servers from the configuration (empty: take the lease's)
     * @param ntpHosts     time servers from the configuration, names or IPv4 literals (at most
     *                     {@value SntpClient#MAX_SERVERS}); empty with {@code timeFromDhcp} takes the
     *                     lease's; empty without it turns network time off
     * @param mailHost     the mail server as a name or an IPv4 literal
     */
    public LanAgent(DhcpClient dhcp, UdpLink lookupLink, NetworkClock clock, RandomSource random, int[] configDns,
                    CharSequence[] ntpHosts, boolean timeFromDhcp, long resyncNanos, CharSequence mailHost) {
        if (lookupLink == null || clock == null || random == null || mailHost == null || ntpHosts == null) {
            throw new IllegalArgumentException("lookup link, clock, random, time servers and mail host are required");
        }
        if (ntpHosts.length > SntpClient.MAX_SERVERS) {
            throw new IllegalArgumentException("at most " + SntpClient.MAX_SERVERS + " time servers");
        }
        this.dhcp = dhcp;
        this.clock = clock;
        this.dns = new DnsResolver(lookupLink, random, 8);
        this.sntp = new SntpClient(lookupLink, clock, random, resyncNanos);
        this.configDns = configDns.clone();
        this.timeFromDhcp = timeFromDhcp;
        this.hosts = new CharSequence[1 + ntpHosts.length];
        this.hosts[0] = mailHost;
        System.arraycopy(ntpHosts, 0, hosts, 1, ntpHosts.length);
        this.addresses = new int[hosts.length];
        this.ntpAddresses = new int[ntpHosts.length];
        if (configDns.length > 0) {
            dns.servers(this.configDns, this.configDns.length);
        }
    }

    /**
     * In DHCP mode: when no lease came within {@code afterNanos} of the first {@link #doWork}, stop DHCP
     * and use this static address instead (DNS and time servers then come from the configuration only).
     */
    public void staticFallback(DhcpClient.Interface netif, int ip, int subnet, int gateway, long afterNanos) {
        if (netif == null || ip == 0 || afterNanos <= 0) {
            throw new IllegalArgumentException("interface, address and a positive wait are required");
        }
        this.fallbackNetif = netif;
        this.fallbackIp = ip;
        this.fallbackSubnet = subnet;
        this.fallbackGateway = gateway;
        this.fallbackAfter = afterNanos;
    }

    /** True once the board gave up on DHCP and uses the static fallback address. */
    public boolean fellBack() {
        return fellBack;
    }

    /** Runs what is due at {@code now}; returns the next deadline (monotonic nanos). */
    public long doWork(long now) {
        long next = Long.MAX_VALUE;
        if (dhcp != null && !dhcpStarted) {
            dhcpStarted = true;
            dhcpSince = now;
        }
        if (dhcp != null && !fellBack && fallbackNetif != null && !leaseSeen && !dhcp.bound()
                && now - dhcpSince >= fallbackAfter) {
            fellBack = true; // DHCP is not stepped any more; its socket stays idle
            fallbackNetif.setAddress(fallbackIp, fallbackSubnet, fallbackGateway);
            lookupAt = now;
        }
        if (dhcp != null && !fellBack) {
            next = dhcp.doWork(now);
            if (fallbackNetif != null && !leaseSeen) {
                next = Math.min(next, dhcpSince + fallbackAfter);
            }
            if (!dhcp.bound()) {
                leaseSeen = false;
                return next; // nothing else can run without an address
            }
            if (!leaseSeen) {
                leaseSeen = true;
                takeLeaseServers();
                lookupAt = now; // a new lease may mean a new network: look the names up again
            }
        }
        if (lookupIndex >= 0) {
            next = Math.min(next, dns.doWork(now));
            step(now);
        } else if (now - lookupAt >= 0 && !sntp.busy()) {
            lookupIndex = 0;
            roundFailed = false;
            start(now);
        }
        if (lookupIndex >= 0) {
            return Math.min(next, dns.pollAt());
        }
        next = Math.min(next, lookupAt);
        return Math.min(next, sntp.doWork(now));
    }

    private void takeLeaseServers() {
        if (configDns.length == 0) {
            dns.servers(scratch, dhcp.dnsServers(scratch));
            dns.flush();
        }
        if (ntpAddresses.length == 0 && timeFromDhcp) {
            sntp.servers(scratch, dhcp.ntpServers(scratch));
        }
    }

    /** Starts the lookup of {@code hosts[lookupIndex]}, or finishes the round. */
    private void start(long now) {
        while (lookupIndex < hosts.length) {
            lookups++;
            if (dns.resolve(hosts[lookupIndex], now) == DnsResolver.Status.PENDING) {
                dns.doWork(now);
                return;
            }
            take(); // literal, cached, bad name or no DNS server: done at once
            lookupIndex++;
        }
        endRound(now);
    }

    private void step(long now) {
        if (dns.status() == DnsResolver.Status.PENDING) {
            return;
        }
        take();
        lookupIndex++;
        start(now);
    }

    private void take() {
        if (dns.status() == DnsResolver.Status.RESOLVED) {
            addresses[lookupIndex] = dns.address();
        } else {
            failedLookups++;
            roundFailed = true; // the last good address (if any) stays in use
        }
    }

    private void endRound(long now) {
        lookupIndex = -1;
        lookupAt = now + (roundFailed ? LOOKUP_RETRY_NANOS : RERESOLVE_NANOS);
        if (ntpAddresses.length > 0) {
            boolean changed = false;
            for (int i = 0; i < ntpAddresses.length; i++) {
                changed |= ntpAddresses[i] != addresses[i + 1];
                ntpAddresses[i] = addresses[i + 1];
            }
            if (changed) {
                sntp.servers(ntpAddresses, ntpAddresses.length); // unresolved (0) entries are skipped
            }
        }
    }

    /** True while a DHCP, DNS or SNTP reply is awaited: poll {@link #doWork} at the loop's rate. */
    public boolean waitingForReply() {
        boolean dhcpWaiting = dhcp != null && !fellBack && dhcp.state() != DhcpClient.State.BOUND;
        return dhcpWaiting || lookupIndex >= 0 || sntp.busy();
    }

    /** The chip was reset: DHCP writes its lease back; the lookup socket re-opens on its next use. */
    public void chipReset(long now) {
        if (fellBack) {
            fallbackNetif.setAddress(fallbackIp, fallbackSubnet, fallbackGateway);
        } else if (dhcp != null) {
            dhcp.chipReset(now);
        }
    }

    /** True when the board has an address (always with a static one). */
    public boolean addressed() {
        return dhcp == null || fellBack || dhcp.bound();
    }

    /** The mail server's address, or 0 while it is not known. */
    public int mailServer() {
        return addresses[0];
    }

    /** Whether mail may go now: addressed, server known, and time known or waited for long enough. */
    public boolean mailMayGo(long now, long sinceNanos, long maxTimeWaitNanos) {
        // No time source at all (ntp = off, or from-dhcp and a lease without option 42): nothing to wait for.
        boolean timeOff = ntpAddresses.length == 0
                && (!timeFromDhcp || dhcp == null || fellBack || (leaseSeen && sntp.serverCount() == 0));
        return addressed() && addresses[0] != 0
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

    /** Address a configured time server's name resolved to ({@code index} from 0), or 0. */
    public int timeServer(int index) {
        return ntpAddresses[index];
    }

    public long lookups() {
        return lookups;
    }

    public long failedLookups() {
        return failedLookups;
    }

    /**
     * A few lines for {@code diagnose}: the lease (address, router, DNS, server, lease times left), the
     * mail server's address, the clock offset. Allocates (not for the loop).
     */
    public String describe(long now) {
        StringBuilder b = new StringBuilder();
        if (dhcp == null) {
            b.append("address: static\n");
        } else if (fellBack) {
            b.append("address: static fallback ").append(dev.w5100alert.hal.Ipv4.format(fallbackIp))
                    .append(" (no DHCP lease in time)\n");
        } else if (!dhcp.bound()) {
            b.append("lease: none (DHCP ").append(dhcp.state()).append(")\n");
        } else {
            int[] ips = new int[3];
            b.append("lease: ").append(dev.w5100alert.hal.Ipv4.format(dhcp.address()))
                    .append(" mask ").append(dev.w5100alert.hal.Ipv4.format(dhcp.subnet()))
                    .append(" router ").append(dev.w5100alert.hal.Ipv4.format(dhcp.router()))
                    .append(" from ").append(dev.w5100alert.hal.Ipv4.format(dhcp.server())).append('\n');
            int n = dhcp.dnsServers(ips);
            b.append("lease DNS:");
            for (int i = 0; i < Math.min(n, ips.length); i++) {
                b.append(' ').append(dev.w5100alert.hal.Ipv4.format(ips[i]));
            }
            b.append("\nlease times: ").append(dhcp.leaseSeconds()).append(" s; renew in ")
                    .append(Math.max(0, (dhcp.renewAt() - now) / 1_000_000_000L)).append(" s, rebind in ")
                    .append(Math.max(0, (dhcp.rebindAt() - now) / 1_000_000_000L)).append(" s, expires in ")
                    .append(Math.max(0, (dhcp.expiresAt() - now) / 1_000_000_000L)).append(" s\n");
        }
        b.append("mail server ").append(hosts[0]).append(": ")
                .append(addresses[0] == 0 ? "not resolved" : dev.w5100alert.hal.Ipv4.format(addresses[0])).append('\n');
        b.append("clock: ").append(clock.known() ? "network time, offset " + clock.offsetMillis() + " ms"
                : "not set from the network").append('\n');
        return b.toString();
    }
}
