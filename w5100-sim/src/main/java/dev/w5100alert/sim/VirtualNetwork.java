package dev.w5100alert.sim;

import dev.w5100alert.sim.lan.DhcpServerSpec;
import dev.w5100alert.sim.lan.DnsServerSpec;
import dev.w5100alert.sim.lan.LanConfig;
import dev.w5100alert.sim.lan.NtpServerSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulated chip's view of the world: virtual IPv4 hosts (and an optional gateway) whose TCP and
 * UDP ports are mapped to real ports on 127.0.0.1.
 *
 * <p>Immutable once built. The simulator never opens a connection to any address but 127.0.0.1: a
 * virtual address such as 192.168.1.10 exists only here and is translated to a loopback port.
 *
 * <pre>{@code
 * VirtualNetwork net = VirtualNetwork.builder()
 *     .host("192.168.1.10").tcp(25, smtpServerPort).udp(7, udpEchoPort)
 *     .host("10.9.9.9").tcp(80, webPort)          // off-subnet: reached through the gateway
 *     .host("192.168.1.66").silent()               // answers ARP, never answers TCP or UDP
 *     .gateway("192.168.1.1")
 *     .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.150").dnsServers("192.168.1.53"))
 *     .dnsServer("192.168.1.53", d -> d.a("smtp.example.com", "192.168.1.10"))
 *     .ntpServer("192.168.1.123", t -> t.offsetMillis(0))
 *     .build();
 * }</pre>
 *
 * <p>DHCP, DNS and NTP servers ({@link #lan()}) live inside the simulator, on its clock, and are
 * reached through the chip's UDP sockets without real sockets; see {@link dev.w5100alert.sim.lan.LanServices}.
 *
 * <p>Rules the simulator applies (chip's own address and mask come from SIPR/SUBR, gateway from GAR):
 * <ul>
 *   <li>Destination in the chip's subnet: ARP is answered if the destination is a declared host.</li>
 *   <li>Destination off-subnet: ARP goes to GAR and is answered if GAR equals the declared gateway.</li>
 *   <li>No ARP answer: Sn_SR shows ARP, then Sn_IR TIMEOUT after RTR &times; (RCR+1).</li>
 *   <li>ARP answered, host declared, port mapped: a real loopback connection/datagram.</li>
 *   <li>ARP answered, host declared, TCP port not mapped: the host answers SYN with RST (refused).
 *       UDP port not mapped: ICMP port unreachable (IR.UNREACH, UIPR/UPORT).</li>
 *   <li>ARP answered (via gateway) but the destination is not a declared host, or the host is
 *       {@link Builder#silent() silent}: nothing answers; TCP ends in TIMEOUT after the
 *       retransmission time.</li>
 * </ul>
 */
public final class VirtualNetwork {

    /**
     * 127.0.0.1, spelled out: the only address the simulator ever binds or connects to (not
     * {@code InetAddress.getLoopbackAddress()}, which may be ::1 when IPv6 is preferred).
     */
    public static final java.net.InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A network with no hosts at all: every ARP goes unanswered. */
    public static final VirtualNetwork EMPTY = builder().build();

    /** One declared virtual host. */
    public record Host(int address, Map<Integer, Integer> tcpPorts, Map<Integer, Integer> udpPorts,
                       boolean silent) {
        public Host {
            tcpPorts = Collections.unmodifiableMap(new LinkedHashMap<>(tcpPorts));
            udpPorts = Collections.unmodifiableMap(new LinkedHashMap<>(udpPorts));
        }
    }

    private final Map<Integer, Host> hosts;
    /** The hosts again, for lookups without boxing (the simulator's per-SEND path allocates nothing). */
    private final int[] hostAddresses;
    private final Host[] hostArray;
    private final int gateway;
    private final boolean hasGateway;
    private final int inboundPeer;
    private final long arpReplyNanos;
    private final LanConfig lan;

    private VirtualNetwork(Builder b) {
        Map<Integer, Host> m = new LinkedHashMap<>();
        for (Map.Entry<Integer, HostBuilder> e : b.hosts.entrySet()) {
            HostBuilder h = e.getValue();
            m.put(e.getKey(), new Host(e.getKey(), h.tcp, h.udp, h.silent));
        }
        this.hosts = Collections.unmodifiableMap(m);
        this.hostArray = m.values().toArray(new Host[0]);
        this.hostAddresses = new int[hostArray.length];
        for (int i = 0; i < hostArray.length; i++) {
            hostAddresses[i] = hostArray[i].address();
        }
        this.gateway = b.gateway;
        this.hasGateway = b.hasGateway;
        this.inboundPeer = b.inboundPeer;
        this.arpReplyNanos = b.arpReplyNanos;
        this.lan = b.lan.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The declared host with this address (IPv4 as a big-endian int), or {@code null}. */
    public Host host(int address) {
        for (int i = 0; i < hostAddresses.length; i++) {
            if (hostAddresses[i] == address) {
                return hostArray[i];
            }
        }
        return null;
    }

    /** All declared hosts, keyed by address. */
    public Map<Integer, Host> hosts() {
        return hosts;
    }

    public boolean hasGateway() {
        return hasGateway;
    }

    /** The gateway's address (valid when {@link #hasGateway()}). */
    public int gateway() {
        return gateway;
    }

    /**
     * The virtual address the chip sees as the source of connections and datagrams that arrive from
     * loopback clients that are not a declared host's mapped port (default 127.0.0.1: the truth).
     */
    public int inboundPeer() {
        return inboundPeer;
    }

    /** Virtual time an answered ARP takes (default 0: resolved within the command). */
    public long arpReplyNanos() {
        return arpReplyNanos;
    }

    /** The DHCP, DNS and NTP servers declared on this network. */
    public LanConfig lan() {
        return lan;
    }

    /**
     * Reverse lookup for inbound UDP: the declared host whose UDP mapping points at this real port.
     * Returns {@code {address, virtualPort}} or {@code null}. Not on a hot path.
     */
    int[] udpSourceFor(int realPort) {
        for (Host h : hosts.values()) {
            for (Map.Entry<Integer, Integer> e : h.udpPorts.entrySet()) {
                if (e.getValue() == realPort) {
                    return new int[] {h.address, e.getKey()};
                }
            }
        }
        return null;
    }

    /** Parses dotted-quad IPv4 into a big-endian int; a clear error for anything else. */
    public static int parseIpv4(String dotted) {
        String[] parts = dotted.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
        }
        int v = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'", e);
            }
            if (octet < 0 || octet > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    /** Formats a big-endian int as dotted-quad IPv4. */
    public static String formatIpv4(int a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    private static final class HostBuilder {
        final Map<Integer, Integer> tcp = new LinkedHashMap<>();
        final Map<Integer, Integer> udp = new LinkedHashMap<>();
        boolean silent;
    }

    /**
     * Fluent builder. {@link #host(String)} selects the host that following {@link #tcp}, {@link #udp}
     * and {@link #silent()} calls apply to.
     */
    public static final class Builder {
        private final Map<Integer, HostBuilder> hosts = new LinkedHashMap<>();
        private HostBuilder current;
        private int gateway;
        private boolean hasGateway;
        private int inboundPeer = 0x7F000001;
        private long arpReplyNanos;
        private final LanConfig.Builder lan = LanConfig.builder();

        private Builder() {
        }

        /**
         * A DHCP server with identifier {@code address} (answers ARP there; takes broadcasts to port
         * 67). Declaring the same address again configures the same server; another address adds a
         * second server, which offers too.
         */
        public Builder dhcpServer(String address, java.util.function.Consumer<DhcpServerSpec> settings) {
            settings.accept(lan.dhcp(address));
            return this;
        }

        /** A DHCP server with the defaults of {@link DhcpServerSpec}. */
        public Builder dhcpServer(String address) {
            lan.dhcp(address);
            return this;
        }

        /** A DNS server at {@code address}:53 (answers ARP there); the same address again adds to it. */
        public Builder dnsServer(String address, java.util.function.Consumer<DnsServerSpec> settings) {
            settings.accept(lan.dns(address));
            return this;
        }

        /** An SNTP server at {@code address}:123 (answers ARP there). */
        public Builder ntpServer(String address, java.util.function.Consumer<NtpServerSpec> settings) {
            settings.accept(lan.ntp(address));
            return this;
        }

        /** An SNTP server with the defaults of {@link NtpServerSpec} (host time, no offset). */
        public Builder ntpServer(String address) {
            lan.ntp(address);
            return this;
        }

        /** Declares (or selects again) a virtual host. */
        public Builder host(String ipv4) {
            current = hosts.computeIfAbsent(parseIpv4(ipv4), k -> new HostBuilder());
            return this;
        }

        /** Maps the current host's TCP {@code virtualPort} to {@code 127.0.0.1:realPort}. */
        public Builder tcp(int virtualPort, int realPort) {
            requireHost("tcp");
            current.tcp.put(checkPort(virtualPort, "virtual TCP port"), checkPort(realPort, "real TCP port"));
            return this;
        }

        /** Maps the current host's UDP {@code virtualPort} to {@code 127.0.0.1:realPort}. */
        public Builder udp(int virtualPort, int realPort) {
            requireHost("udp");
            current.udp.put(checkPort(virtualPort, "virtual UDP port"), checkPort(realPort, "real UDP port"));
            return this;
        }

        /** The current host answers ARP but never answers TCP or UDP (a peer that is not there). */
        public Builder silent() {
            requireHost("silent");
            current.silent = true;
            return this;
        }

        /** Declares the gateway (answers ARP when the chip's GAR names it). */
        public Builder gateway(String ipv4) {
            gateway = parseIpv4(ipv4);
            hasGateway = true;
            return this;
        }

        /** See {@link VirtualNetwork#inboundPeer()}. */
        public Builder inboundPeer(String ipv4) {
            inboundPeer = parseIpv4(ipv4);
            return this;
        }

        /** See {@link VirtualNetwork#arpReplyNanos()}. */
        public Builder arpReplyNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("ARP reply time must be >= 0, got " + nanos);
            }
            arpReplyNanos = nanos;
            return this;
        }

        public VirtualNetwork build() {
            return new VirtualNetwork(this);
        }

        private void requireHost(String what) {
            if (current == null) {
                throw new IllegalStateException(what + "(...) needs a host(...) before it");
            }
        }

        private static int checkPort(int port, String what) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(what + " must be 1..65535, got " + port);
            }
            return port;
        }
    }
}
