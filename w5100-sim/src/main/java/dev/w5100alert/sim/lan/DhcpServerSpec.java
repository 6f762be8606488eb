package dev.w5100alert.sim.lan;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of one DHCP server on the virtual LAN (RFC 2131/2132), filled in through
 * {@code VirtualNetwork.builder().dhcpServer(address, d -> d.pool(...)...)} or a {@code dhcp} line of
 * the net file. Defaults: pool .100-.199 of the server's /24, mask 255.255.255.0, router = the server,
 * no DNS/NTP/domain, lease 3600 s, T1 = lease/2, T2 = lease * 7/8, replies 1 ms after the request.
 *
 * <p>The fault settings here are the server's state when the simulator starts; the running server
 * ({@link DhcpServer}) can change them at any time.
 */
public final class DhcpServerSpec {
    final int address;
    int poolFirst;
    int poolLast;
    int subnetMask = 0xFFFFFF00;
    final List<Integer> routers = new ArrayList<>();
    final List<Integer> dnsServers = new ArrayList<>();
    final List<Integer> ntpServers = new ArrayList<>();
    String domain;
    long leaseSeconds = 3600;
    long t1Seconds = -1;
    long t2Seconds = -1;
    long replyDelayNanos = 1_000_000L;
    boolean silent;
    boolean ignoreRenewals;
    int nakRequests;
    int dropMessages;

    /** Used by the network builder; {@code address} is the server identifier (option 54). */
    public DhcpServerSpec(String address) {
        this.address = Ip.parse(address);
        this.poolFirst = (this.address & 0xFFFFFF00) | 100;
        this.poolLast = (this.address & 0xFFFFFF00) | 199;
        this.routers.add(this.address);
    }

    /** Addresses handed out: {@code first}..{@code last} inclusive (at most 1024). */
    public DhcpServerSpec pool(String first, String last) {
        int a = Ip.parse(first);
        int b = Ip.parse(last);
        if (Integer.compareUnsigned(a, b) > 0 || (long) (b - a) >= DhcpServer.MAX_POOL) {
            throw new IllegalArgumentException("pool " + first + "-" + last + " must run upwards and hold at most "
                    + DhcpServer.MAX_POOL + " addresses");
        }
        poolFirst = a;
        poolLast = b;
        return this;
    }

    /** Option 1. */
    public DhcpServerSpec subnetMask(String mask) {
        subnetMask = Ip.parse(mask);
        return this;
    }

    /** Option 3 (replaces the default, which is the server itself); none given: option 3 is not sent. */
    public DhcpServerSpec routers(String... addresses) {
        if (addresses.length > 63) {
            throw new IllegalArgumentException("at most 63 addresses fit in one option, got " + addresses.length);
        }
        routers.clear();
        for (String a : addresses) {
            routers.add(Ip.parse(a));
        }
        return this;
    }

    /** Option 6. */
    public DhcpServerSpec dnsServers(String... addresses) {
        if (addresses.length > 63) {
            throw new IllegalArgumentException("at most 63 addresses fit in one option, got " + addresses.length);
        }
        dnsServers.clear();
        for (String a : addresses) {
            dnsServers.add(Ip.parse(a));
        }
        return this;
    }

    /** Option 42. */
    public DhcpServerSpec ntpServers(String... addresses) {
        if (addresses.length > 63) {
            throw new IllegalArgumentException("at most 63 addresses fit in one option, got " + addresses.length);
        }
        ntpServers.clear();
        for (String a : addresses) {
            ntpServers.add(Ip.parse(a));
        }
        return this;
    }

    /** Option 15. */
    public DhcpServerSpec domain(String name) {
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("domain must be 1..255 characters");
        }
        domain = name;
        return this;
    }

    /** Option 51; T1/T2 follow it unless set. {@link DhcpServer#INFINITE}: never expires, T1/T2 not sent unless set. */
    public DhcpServerSpec leaseSeconds(long seconds) {
        leaseSeconds = DhcpServer.checkSeconds(seconds, "lease");
        return this;
    }

    /** Option 58 (renewal time). */
    public DhcpServerSpec t1Seconds(long seconds) {
        t1Seconds = DhcpServer.checkSeconds(seconds, "T1");
        return this;
    }

    /** Option 59 (rebinding time). */
    public DhcpServerSpec t2Seconds(long seconds) {
        t2Seconds = DhcpServer.checkSeconds(seconds, "T2");
        return this;
    }

    /** Virtual time between a request and its answer (default 1 ms). */
    public DhcpServerSpec replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    /** Starts silent: receives (and counts) every message, answers none. */
    public DhcpServerSpec silent() {
        silent = true;
        return this;
    }

    /** Starts ignoring RENEWING requests (unicast), so clients must rebind (broadcast). */
    public DhcpServerSpec ignoreRenewals() {
        ignoreRenewals = true;
        return this;
    }

    /** The first {@code n} REQUESTs get a DHCPNAK. */
    public DhcpServerSpec nakRequests(int n) {
        nakRequests = DhcpServer.checkCount(n);
        return this;
    }

    /** The first {@code n} messages received are dropped unanswered. */
    public DhcpServerSpec dropMessages(int n) {
        dropMessages = DhcpServer.checkCount(n);
        return this;
    }
}
