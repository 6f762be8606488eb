package dev.w5100alert.sim.lan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LAN services a {@code VirtualNetwork} declares: DHCP, DNS and NTP servers, each at a virtual
 * address. The simulator builds running {@link LanServices} from it, one set per chip.
 */
public final class LanConfig {
    final List<DhcpServerSpec> dhcp;
    final List<DnsServerSpec> dns;
    final List<NtpServerSpec> ntp;

    private LanConfig(Builder b) {
        dhcp = Collections.unmodifiableList(new ArrayList<>(b.dhcp.values()));
        dns = Collections.unmodifiableList(new ArrayList<>(b.dns.values()));
        ntp = Collections.unmodifiableList(new ArrayList<>(b.ntp.values()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when no service is declared. */
    public boolean isEmpty() {
        return dhcp.isEmpty() && dns.isEmpty() && ntp.isEmpty();
    }

    /** Collects service declarations; declaring an address again selects the same server. */
    public static final class Builder {
        private final Map<Integer, DhcpServerSpec> dhcp = new LinkedHashMap<>();
        private final Map<Integer, DnsServerSpec> dns = new LinkedHashMap<>();
        private final Map<Integer, NtpServerSpec> ntp = new LinkedHashMap<>();

        private Builder() {
        }

        public DhcpServerSpec dhcp(String address) {
            return dhcp.computeIfAbsent(Ip.parse(address), k -> new DhcpServerSpec(address));
        }

        public DnsServerSpec dns(String address) {
            return dns.computeIfAbsent(Ip.parse(address), k -> new DnsServerSpec(address));
        }

        public NtpServerSpec ntp(String address) {
            return ntp.computeIfAbsent(Ip.parse(address), k -> new NtpServerSpec(address));
        }

        public LanConfig build() {
            return new LanConfig(this);
        }
    }
}
