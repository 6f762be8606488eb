package dev.w5100alert.firmware.lan;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.W5100UdpLink;
import dev.w5100alert.firmware.ntp.SntpClient;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * DHCP, DNS and SNTP clients over hal's driver on w5100-sim, whose virtual LAN runs the servers, all
 * on one virtual clock. {@link #runUntil} jumps from deadline to deadline and steps in milliseconds
 * only while the simulated LAN has answers on their way.
 */
final class LanStack implements AutoCloseable {

    static final long S = 1_000_000_000L;
    static final long MAC = 0x02_00_5E_00_00_42L;
    /** Until DHCP has run the chip needs some own address (hal refuses 0.0.0.0 at bring-up). */
    static final NetworkConfig PLACEHOLDER = NetworkConfig.of(MAC, Ipv4.of(169, 254, 0, 42),
            Ipv4.of(255, 255, 0, 0), 0);

    /** Virtual time: moves in idle() (the driver's bounded waits) and when the test jumps it. */
    static final class SimClock implements Clock {
        long now = S;
        /** True time at now = 0, as the LAN's NTP server sees it. */
        final long trueEpochBase = 1_795_380_581_000L;
        /** How far the board's own wall clock is off (a Pi after a power cut). */
        long boardSkewMillis;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return trueEpochMillis() + boardSkewMillis;
        }

        long trueEpochMillis() {
            return trueEpochBase + now / 1_000_000L;
        }

        @Override
        public void idle() {
            now += 100_000L;
        }
    }

    final SimClock clock = new SimClock();
    final NetworkClock wall = new NetworkClock(clock);
    final W5100Simulator sim;
    final W5100Driver driver;
    final W5100UdpLink dhcpLink;
    final W5100UdpLink lookupLink;
    final DhcpClient dhcp;
    final DnsResolver dns;
    final SntpClient sntp;
    final List<DhcpClient.Event> events = new ArrayList<>();
    boolean runDhcp = true;
    boolean runDns = true;
    boolean runSntp = true;

    LanStack(VirtualNetwork.Builder net, long boardSkewMillis) {
        clock.boardSkewMillis = boardSkewMillis;
        sim = new W5100Simulator(net.build(), clock::nanoTime);
        driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
        driver.bringUp(PLACEHOLDER);
        dhcpLink = new W5100UdpLink(driver);
        lookupLink = new W5100UdpLink(driver);
        RandomSource random = RandomSource.secure();
        dhcp = new DhcpClient(dhcpLink, driver::setAddress, random, MAC, "alert-box");
        dhcp.listener((e, c) -> events.add(e));
        dns = new DnsResolver(lookupLink, random, 8);
        sntp = new SntpClient(lookupLink, wall, random, 3600 * S);
    }

    /** The LAN of most tests: one DHCP server handing out DNS and NTP servers, a DNS and an NTP server. */
    static VirtualNetwork.Builder lan(SimClock[] clockHolder) {
        return VirtualNetwork.builder()
                .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.110")
                        .dnsServers("192.168.1.53").ntpServers("192.168.1.123"))
                .dnsServer("192.168.1.53", d -> d.a("smtp.example.com", "192.168.1.10")
                        .cname("mail.example.com", "smtp.example.com"))
                .ntpServer("192.168.1.123", t -> t.wallClock(() -> clockHolder[0].trueEpochMillis()));
    }

    static LanStack standard(long boardSkewMillis) {
        SimClock[] holder = new SimClock[1];
        LanStack s = new LanStack(lan(holder), boardSkewMillis);
        holder[0] = s.clock;
        return s;
    }

    long now() {
        return clock.now;
    }

    /** Steps every client through each deadline up to {@code until}. */
    void runUntil(long until) {
        for (int guard = 0; guard < 2_000_000; guard++) {
            long now = clock.now;
            long at = Long.MAX_VALUE;
            if (runDhcp) {
                at = Math.min(at, dhcp.doWork(now));
            }
            if (runDns) {
                at = Math.min(at, dns.doWork(clock.now));
            }
            if (runSntp && !dns.busy()) {
                at = Math.min(at, sntp.doWork(clock.now));
            }
            if (clock.now >= until) {
                return;
            }
            long next = sim.lan().queuedAnswers() > 0 ? clock.now + 1_000_000L : Math.max(at, clock.now + 1);
            clock.now = Math.min(until, Math.max(next, clock.now));
        }
        throw new AssertionError("clients never went idle");
    }

    /** Runs until {@code done} holds or {@code limit} virtual nanoseconds have passed. */
    boolean runFor(long limit, java.util.function.BooleanSupplier done) {
        long end = clock.now + limit;
        while (clock.now < end) {
            runUntil(Math.min(end, clock.now + 100_000_000L));
            if (done.getAsBoolean()) {
                return true;
            }
        }
        return done.getAsBoolean();
    }

    /** Feeds the lease's DNS and NTP servers to the resolver and the SNTP client (what the board does). */
    void useLeaseServers() {
        int[] ips = new int[3];
        dns.servers(ips, dhcp.dnsServers(ips));
        sntp.servers(ips, dhcp.ntpServers(ips));
    }

    @Override
    public void close() {
        sim.close();
    }
}
