package dev.w5100alert.sim.lan;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of one DNS server on the virtual LAN (RFC 1035), filled in through
 * {@code VirtualNetwork.builder().dnsServer(address, d -> d.a(...).cname(...))} or {@code dns} lines of
 * the net file. It is authoritative for the names it holds: A and CNAME records; any other name is
 * NXDOMAIN, unless forwarding to a real DNS server on 127.0.0.1 is set. Defaults: TTL 300 s, replies
 * 1 ms after the query.
 */
public final class DnsServerSpec {
    final int address;
    /** Each: {name, "A"|"CNAME", value}. */
    final List<String[]> records = new ArrayList<>();
    int ttlSeconds = 300;
    int forwardPort;
    long replyDelayNanos = 1_000_000L;
    DnsFault fault = DnsFault.NONE;

    /** Used by the network builder. */
    public DnsServerSpec(String address) {
        this.address = Ip.parse(address);
    }

    /** An A record; a name may have several. */
    public DnsServerSpec a(String name, String ipv4) {
        Ip.parse(ipv4);
        DnsServer.checkName(name);
        records.add(new String[] {name, "A", ipv4});
        return this;
    }

    /** A CNAME record: {@code alias} is another name for {@code target}. */
    public DnsServerSpec cname(String alias, String target) {
        DnsServer.checkName(alias);
        DnsServer.checkName(target);
        records.add(new String[] {alias, "CNAME", target});
        return this;
    }

    /** TTL of every record (default 300 s). */
    public DnsServerSpec ttlSeconds(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("TTL must be >= 0, got " + seconds);
        }
        ttlSeconds = seconds;
        return this;
    }

    /**
     * Names this server does not hold are forwarded to a real DNS server at {@code 127.0.0.1:port}
     * (loopback only); its answer is passed back to the chip unchanged, from this server's address.
     */
    public DnsServerSpec forwardTo(int loopbackPort) {
        if (loopbackPort < 1 || loopbackPort > 65535) {
            throw new IllegalArgumentException("forward port must be 1..65535, got " + loopbackPort);
        }
        forwardPort = loopbackPort;
        return this;
    }

    /** Virtual time between a query and its answer (default 1 ms). */
    public DnsServerSpec replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    /** The fault applied to every query from the start ({@link DnsServer#fault} changes it later). */
    public DnsServerSpec fault(DnsFault f) {
        fault = f == null ? DnsFault.NONE : f;
        return this;
    }
}
