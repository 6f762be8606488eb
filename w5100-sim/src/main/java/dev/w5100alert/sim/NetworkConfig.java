package dev.w5100alert.sim;

import dev.w5100alert.sim.lan.DhcpServerSpec;
import dev.w5100alert.sim.lan.DnsFault;
import dev.w5100alert.sim.lan.DnsServerSpec;
import dev.w5100alert.sim.lan.NtpFault;
import dev.w5100alert.sim.lan.NtpServerSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link VirtualNetwork} from the small text format of the standalone simulator
 * (documented in w5100-sim/README.md):
 *
 * <pre>
 * # comment
 * host 192.168.1.10 tcp 25=2525 udp 7=7007
 * host 192.168.1.66 silent
 * gateway 192.168.1.1
 * inbound-peer 192.168.1.77
 * arp-reply-ms 2
 * dhcp 192.168.1.1 pool 192.168.1.100-192.168.1.150 dns 192.168.1.53 ntp 192.168.1.123 lease 3600
 * dns 192.168.1.53 a smtp.example.com=192.168.1.10 cname mail.example.com=smtp.example.com
 * ntp 192.168.1.123 offset-ms -2000
 * </pre>
 *
 * Bad input fails with the line number and what was wrong; nothing is half-applied.
 */
public final class NetworkConfig {
    private NetworkConfig() {
    }

    /** Parses the file at {@code path} (UTF-8). */
    public static VirtualNetwork read(Path path) throws IOException {
        return parse(Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    /** Parses config lines. */
    public static VirtualNetwork parse(List<String> lines) {
        VirtualNetwork.Builder b = VirtualNetwork.builder();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            try {
                apply(b, line.split("\\s+"));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("network config line " + number + " ('" + raw.strip() + "'): "
                        + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * Parses command-line style words: {@code --host IP [--tcp V=R]... [--udp V=R]... [--silent]
     * --gateway IP --inbound-peer IP}, in the same meaning as the file's lines.
     */
    public static VirtualNetwork parseArguments(List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "--host" -> {
                    if (current != null) {
                        lines.add(current.toString());
                    }
                    current = new StringBuilder("host ").append(value(words, ++i, w));
                }
                case "--tcp", "--udp" -> {
                    if (current == null) {
                        throw new IllegalArgumentException(w + " needs a --host before it");
                    }
                    current.append(' ').append(w.substring(2)).append(' ').append(value(words, ++i, w));
                }
                case "--silent" -> {
                    if (current == null) {
                        throw new IllegalArgumentException("--silent needs a --host before it");
                    }
                    current.append(" silent");
                }
                case "--gateway" -> lines.add("gateway " + value(words, ++i, w));
                case "--inbound-peer" -> lines.add("inbound-peer " + value(words, ++i, w));
                case "--arp-reply-ms" -> lines.add("arp-reply-ms " + value(words, ++i, w));
                default -> throw new IllegalArgumentException("unknown network option '" + w + "'");
            }
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return parse(lines);
    }

    private static String value(List<String> words, int i, String option) {
        if (i >= words.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return words.get(i);
    }

    private static void apply(VirtualNetwork.Builder b, String[] w) {
        switch (w[0]) {
            case "host" -> {
                if (w.length < 2) {
                    throw new IllegalArgumentException("host needs an IPv4 address");
                }
                b.host(w[1]);
                for (int i = 2; i < w.length; i++) {
                    switch (w[i]) {
                        case "tcp", "udp" -> {
                            if (i + 1 >= w.length) {
                                throw new IllegalArgumentException(w[i] + " needs VIRTUAL=REAL");
                            }
                            int[] pair = portPair(w[++i]);
                            if (w[i - 1].equals("tcp")) {
                                b.tcp(pair[0], pair[1]);
                            } else {
                                b.udp(pair[0], pair[1]);
                            }
                        }
                        case "silent" -> b.silent();
                        default -> throw new IllegalArgumentException("unknown host option '" + w[i] + "'");
                    }
                }
            }
            case "dhcp" -> b.dhcpServer(address(w), d -> dhcp(d, w));
            case "dns" -> b.dnsServer(address(w), d -> dns(d, w));
            case "ntp" -> b.ntpServer(address(w), t -> ntp(t, w));
            case "gateway" -> b.gateway(single(w));
            case "inbound-peer" -> b.inboundPeer(single(w));
            case "arp-reply-ms" -> {
                try {
                    b.arpReplyNanos(Long.parseLong(single(w)) * 1_000_000L);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("arp-reply-ms needs a whole number", e);
                }
            }
            default -> throw new IllegalArgumentException("unknown keyword '" + w[0] + "'");
        }
    }

    private static String address(String[] w) {
        if (w.length < 2) {
            throw new IllegalArgumentException(w[0] + " needs the server's IPv4 address");
        }
        return w[1];
    }

    /** {@code dhcp IP [pool A-B] [mask M] [router IP,..|none] [dns IP,..] [ntp IP,..] [domain D] [lease S] [t1 S]
     * [t2 S] [delay-ms N] [silent] [ignore-renewals] [nak N] [drop N]} */
    private static void dhcp(DhcpServerSpec d, String[] w) {
        for (int i = 2; i < w.length; i++) {
            String k = w[i];
            switch (k) {
                case "silent" -> d.silent();
                case "ignore-renewals" -> d.ignoreRenewals();
                default -> {
                    String v = arg(w, ++i, k);
                    switch (k) {
                        case "pool" -> {
                            int dash = v.indexOf('-');
                            if (dash <= 0) {
                                throw new IllegalArgumentException("pool needs FIRST-LAST, got '" + v + "'");
                            }
                            d.pool(v.substring(0, dash), v.substring(dash + 1));
                        }
                        case "mask" -> d.subnetMask(v);
                        case "router" -> d.routers(v.equals("none") ? new String[0] : v.split(","));
                        case "dns" -> d.dnsServers(v.split(","));
                        case "ntp" -> d.ntpServers(v.split(","));
                        case "domain" -> d.domain(v);
                        case "lease" -> d.leaseSeconds(number(v, k));
                        case "t1" -> d.t1Seconds(number(v, k));
                        case "t2" -> d.t2Seconds(number(v, k));
                        case "delay-ms" -> d.replyDelayMillis(number(v, k));
                        case "nak" -> d.nakRequests((int) number(v, k));
                        case "drop" -> d.dropMessages((int) number(v, k));
                        default -> throw new IllegalArgumentException("unknown dhcp option '" + k + "'");
                    }
                }
            }
        }
    }

    /** {@code dns IP [a NAME=IP].. [cname ALIAS=TARGET].. [ttl S] [forward PORT] [delay-ms N] [fault KIND]} */
    private static void dns(DnsServerSpec d, String[] w) {
        for (int i = 2; i < w.length; i++) {
            String k = w[i];
            String v = arg(w, ++i, k);
            switch (k) {
                case "a", "cname" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0 || eq == v.length() - 1) {
                        throw new IllegalArgumentException(k + " needs NAME=VALUE, got '" + v + "'");
                    }
                    if (k.equals("a")) {
                        d.a(v.substring(0, eq), v.substring(eq + 1));
                    } else {
                        d.cname(v.substring(0, eq), v.substring(eq + 1));
                    }
                }
                case "ttl" -> d.ttlSeconds((int) number(v, k));
                case "forward" -> d.forwardTo((int) number(v, k));
                case "delay-ms" -> d.replyDelayMillis(number(v, k));
                case "fault" -> d.fault(DnsFault.fromFileName(v));
                default -> throw new IllegalArgumentException("unknown dns option '" + k + "'");
            }
        }
    }

    /** {@code ntp IP [offset-ms N] [stratum N] [delay-ms N] [fault KIND]} */
    private static void ntp(NtpServerSpec t, String[] w) {
        for (int i = 2; i < w.length; i++) {
            String k = w[i];
            String v = arg(w, ++i, k);
            switch (k) {
                case "offset-ms" -> t.offsetMillis(number(v, k));
                case "stratum" -> t.stratum((int) number(v, k));
                case "delay-ms" -> t.replyDelayMillis(number(v, k));
                case "fault" -> t.fault(NtpFault.fromFileName(v));
                default -> throw new IllegalArgumentException("unknown ntp option '" + k + "'");
            }
        }
    }

    private static String arg(String[] w, int i, String key) {
        if (i >= w.length) {
            throw new IllegalArgumentException(key + " needs a value");
        }
        return w[i];
    }

    private static long number(String v, String key) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs a whole number, got '" + v + "'", e);
        }
    }

    private static String single(String[] w) {
        if (w.length != 2) {
            throw new IllegalArgumentException(w[0] + " takes exactly one value");
        }
        return w[1];
    }

    private static int[] portPair(String s) {
        int eq = s.indexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
            throw new IllegalArgumentException("port mapping must be VIRTUAL=REAL, got '" + s + "'");
        }
        try {
            return new int[] {Integer.parseInt(s.substring(0, eq)), Integer.parseInt(s.substring(eq + 1))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port mapping must be VIRTUAL=REAL, got '" + s + "'", e);
        }
    }
}
