package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.W5100UdpLink;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import dev.w5100alert.sim.lan.DnsFault;
import dev.w5100alert.sim.lan.NtpFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The board's LAN agent over the simulated chip: static and DHCP modes, time off, stale answers, bounded wait. */
class LanAgentTest {

    static final long S = 1_000_000_000L;
    static final long MAC = 0x02_00_5E_00_00_61L;
    static final int DNS = Ipv4.of(192, 168, 1, 53);
    static final int NTP = Ipv4.of(192, 168, 1, 123);

    final LanStack.SimClock clock = new LanStack.SimClock();
    final NetworkClock wall = new NetworkClock(clock);
    W5100Simulator sim;
    W5100Driver driver;
    LanAgent agent;
    long since;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private VirtualNetwork.Builder net(boolean leaseNtp) {
        return VirtualNetwork.builder()
                .dhcpServer("192.168.1.1", d -> {
                    d.pool("192.168.1.100", "192.168.1.110").dnsServers("192.168.1.53");
                    if (leaseNtp) {
                        d.ntpServers("192.168.1.123");
                    }
                })
                .dnsServer("192.168.1.53", d -> d.a("smtp.example.com", "192.168.1.10")
                        .a("time.example.com", "192.168.1.123"))
                .ntpServer("192.168.1.123", t -> t.wallClock(clock::trueEpochMillis));
    }

    private void start(VirtualNetwork.Builder net, boolean dhcpMode, int[] dns, CharSequence[] ntp, boolean timeFromDhcp,
                       String host) {
        sim = new W5100Simulator(net.build(), clock::nanoTime);
        driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
        driver.bringUp(NetworkConfig.of(MAC, Ipv4.of(192, 168, 1, 50), Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1)));
        RandomSource random = RandomSource.secure();
        DhcpClient dhcp = dhcpMode ? new DhcpClient(new W5100UdpLink(driver), driver::setAddress, random, MAC, "") : null;
        agent = new LanAgent(dhcp, new W5100UdpLink(driver), wall, random, dns, ntp, timeFromDhcp, 3600 * S, host);
        since = clock.now;
    }

    private void run(long nanos) {
        long end = clock.now + nanos;
        for (int guard = 0; guard < 2_000_000 && clock.now < end; guard++) {
            long at = agent.doWork(clock.now);
            long next = agent.waitingForReply() || sim.lan().queuedAnswers() > 0 ? clock.now + 1_000_000L : at;
            clock.now = Math.min(end, Math.max(clock.now + 1, next));
        }
    }

    private boolean mayGo() {
        return agent.mailMayGo(clock.now, since, 300 * S);
    }

    @Test
    void staticAddressWithConfiguredDnsAndNtp() {
        start(net(true), false, new int[] {DNS}, new CharSequence[] {"192.168.1.123"}, false, "smtp.example.com");
        clock.boardSkewMillis = -7_200_000L;
        run(5 * S);
        assertTrue(mayGo());
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        assertTrue(wall.known());
        assertEquals(7_200_000L, wall.offsetMillis(), 20);
        assertEquals(Ipv4.of(192, 168, 1, 50), driver.address(), "static: the configured address stays");
    }

    @Test
    void timeServersByNameAreLookedUpAfterTheMailServer() {
        start(net(true), true, new int[0], new CharSequence[] {"time.example.com", "nowhere.example.com"}, false,
                "smtp.example.com");
        clock.boardSkewMillis = 60_000L;
        run(10 * S);
        assertEquals(NTP, agent.timeServer(0));
        assertEquals(0, agent.timeServer(1), "NXDOMAIN: skipped");
        assertTrue(wall.known());
        assertEquals(-60_000L, wall.offsetMillis(), 20);
        assertTrue(mayGo());
        String d = agent.describe(clock.now);
        assertTrue(d.contains("lease: 192.168.1.100 mask 255.255.255.0 router 192.168.1.1 from 192.168.1.1"), d);
        assertTrue(d.contains("lease DNS: 192.168.1.53"), d);
        assertTrue(d.contains("mail server smtp.example.com: 192.168.1.10"), d);
        assertTrue(d.contains("clock: network time, offset -60"), d);
    }

    @Test
    void anUnresolvableTimeServerHoldsMailOnlyForTheBoundedWait() {
        start(net(true), true, new int[0], new CharSequence[] {"nowhere.example.com"}, false, "smtp.example.com");
        run(30 * S);
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        assertFalse(mayGo());
        run(280 * S);
        assertTrue(mayGo());
        assertFalse(wall.known());
    }

    @Test
    void fallsBackToTheStaticAddressWhenNoLeaseComesInTime() {
        start(net(true), true, new int[] {DNS}, new CharSequence[0], true, "smtp.example.com");
        sim.lan().dhcp().silent(true);
        int fallback = Ipv4.of(192, 168, 1, 60);
        agent.staticFallback(driver::setAddress, fallback, Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1), 30 * S);
        run(29 * S);
        assertFalse(agent.addressed());
        assertEquals(0, driver.address(), "unaddressed while DHCP tries");
        run(5 * S);
        assertTrue(agent.fellBack());
        assertEquals(fallback, driver.address());
        assertTrue(mayGo(), "named server resolved with the configured DNS server; no time source left");
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        assertTrue(agent.describe(clock.now).contains("static fallback 192.168.1.60"));
    }

    @Test
    void aLeaseInTimeMeansNoFallback() {
        start(net(true), true, new int[0], new CharSequence[0], true, "smtp.example.com");
        agent.staticFallback(driver::setAddress, Ipv4.of(192, 168, 1, 60), Ipv4.of(255, 255, 255, 0), 0, 30 * S);
        run(60 * S);
        assertFalse(agent.fellBack());
        assertEquals(Ipv4.of(192, 168, 1, 100), driver.address());
    }

    @Test
    void anIpv4ServerAndTimeOffNeedNeitherDnsNorNtp() {
        start(net(true), false, new int[0], new CharSequence[0], false, "192.168.1.10");
        run(S);
        assertTrue(mayGo());
        assertFalse(wall.known(), "ntp = off: mail does not wait for time");
        assertEquals(0, sim.lan().dns().queries());
        assertEquals(0, sim.lan().ntp().requests());
    }

    @Test
    void dhcpModeTakesDnsAndNtpFromTheLease() {
        start(net(true), true, new int[0], new CharSequence[0], true, "smtp.example.com");
        run(10 * S);
        assertTrue(agent.addressed());
        assertTrue(mayGo());
        assertTrue(wall.known());
        assertEquals(1, sim.lan().ntp().requests());
    }

    @Test
    void aLeaseWithoutNtpServersDoesNotHoldMail() {
        start(net(false), true, new int[0], new CharSequence[0], true, "smtp.example.com");
        run(10 * S);
        assertTrue(mayGo());
        assertFalse(wall.known());
    }

    @Test
    void mailWaitsForTimeOnlyAsLongAsConfigured() {
        start(net(true), true, new int[0], new CharSequence[0], true, "smtp.example.com");
        sim.lan().ntp().fault(NtpFault.SILENT);
        run(60 * S);
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        assertFalse(mayGo(), "holds mail while time is unknown");
        run(250 * S);
        assertTrue(mayGo(), "but not longer than the bound");
        assertFalse(wall.known());
    }

    @Test
    void aFailedReLookupKeepsTheLastGoodAddress() {
        start(net(true), false, new int[] {DNS}, new CharSequence[0], false, "smtp.example.com");
        run(2 * S);
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        sim.lan().dns().fault(DnsFault.SERVFAIL);
        run(LanAgent.RERESOLVE_NANOS + 20 * S);
        assertTrue(agent.failedLookups() >= 1);
        assertEquals(Ipv4.of(192, 168, 1, 10), agent.mailServer());
        assertTrue(mayGo());
    }
}
