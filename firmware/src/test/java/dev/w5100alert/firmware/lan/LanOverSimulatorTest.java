package dev.w5100alert.firmware.lan;

import static dev.w5100alert.firmware.lan.LanStack.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpClient.Event;
import dev.w5100alert.firmware.dhcp.DhcpClient.State;
import dev.w5100alert.firmware.dns.DnsResolver.Status;
import dev.w5100alert.firmware.ntp.SntpClient.Result;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.sim.lan.DhcpServer;
import dev.w5100alert.sim.lan.DnsFault;
import dev.w5100alert.sim.lan.NtpFault;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DHCP, DNS and SNTP clients over hal's W5100 driver on w5100-sim, against the simulator's own LAN
 * servers, in virtual time: the lease lifecycle (T1, T2, expiry, NAK, lost server, conflict), the
 * resolver's rules and the SNTP checks.
 */
class LanOverSimulatorTest {

    static final int FIRST = Ipv4.of(192, 168, 1, 100);
    private LanStack lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private LanStack bound() {
        lan = LanStack.standard(0);
        lan.runSntp = false;
        assertTrue(lan.runFor(10 * S, lan.dhcp::bound), () -> "no lease: " + lan.dhcp.state());
        return lan;
    }

    private DhcpServer server() {
        return lan.sim.lan().dhcp();
    }

    @Test
    void leasesAnAddressAndTheChipUsesIt() {
        bound();
        assertEquals(FIRST, lan.dhcp.address());
        assertEquals(FIRST, lan.driver.address(), "SIPR holds the lease");
        assertTrue(lan.driver.configurationIntact());
        assertEquals(Ipv4.of(192, 168, 1, 1), lan.dhcp.router());
        assertEquals(3600, lan.dhcp.leaseSeconds());
        assertEquals(List.of(Event.BOUND), lan.events);
        assertEquals(1, server().received(DhcpServer.MessageType.DISCOVER));
    }

    @Test
    void theArpProbeDoesNotHoldTheLoop() {
        lan = LanStack.standard(0);
        long longestCall = 0;
        boolean sawChecking = false;
        for (int i = 0; i < 200_000 && !lan.dhcp.bound(); i++) {
            long before = lan.clock.now;
            long at = lan.dhcp.doWork(before);
            longestCall = Math.max(longestCall, lan.clock.now - before);
            sawChecking |= lan.dhcp.state() == State.CHECKING;
            lan.clock.now = Math.max(lan.clock.now + 1, Math.min(at, lan.clock.now + 1_000_000L));
        }
        assertTrue(lan.dhcp.bound());
        assertTrue(sawChecking, "the probe ran while the loop kept stepping");
        assertTrue(longestCall < 50_000_000L, "one doWork took " + longestCall / 1e6 + " ms of (virtual) time");
    }

    @Test
    void renewsAtT1ByUnicastAndReportsTheFramesARenewalCosts() {
        bound();
        long t1 = lan.dhcp.renewAt();
        lan.runUntil(t1 - S);
        assertEquals(0, server().requests(DhcpServer.RequestKind.RENEWING));
        long frames = lan.driver.framesSent();
        lan.runUntil(t1 + S);
        long perRenewal = lan.driver.framesSent() - frames;
        assertEquals(1, server().requests(DhcpServer.RequestKind.RENEWING));
        assertEquals(State.BOUND, lan.dhcp.state());
        assertEquals(FIRST, lan.driver.address());
        assertEquals(List.of(Event.BOUND, Event.RENEWED), lan.events);
        System.out.println("DHCP renewal over w5100-sim: " + perRenewal + " SPI frames (REQUEST, ACK, RX polls in between)");
        assertTrue(perRenewal > 0);
    }

    @Test
    void rebindsAtT2WhenTheServerIgnoresRenewalsThenLosesTheAddressAtExpiry() {
        bound();
        server().ignoreRenewals(true);
        lan.runUntil(lan.dhcp.rebindAt() - S);
        assertEquals(State.RENEWING, lan.dhcp.state());
        assertTrue(server().requests(DhcpServer.RequestKind.RENEWING) >= 2);
        server().silent(true);
        lan.runUntil(lan.dhcp.rebindAt() + S);
        assertEquals(State.REBINDING, lan.dhcp.state());
        assertEquals(FIRST, lan.driver.address(), "still ours until expiry");
        lan.runUntil(lan.dhcp.expiresAt() + S);
        assertEquals(0, lan.dhcp.address());
        assertEquals(0, lan.driver.address(), "the chip stops using the expired address");
        assertTrue(lan.events.contains(Event.LOST), lan.events::toString);
        assertTrue(lan.dhcp.state() == State.SELECTING || lan.dhcp.state() == State.INIT);
    }

    @Test
    void rebindingGetsTheLeaseBackFromAServerThatAnswersBroadcasts() {
        bound();
        server().ignoreRenewals(true);
        lan.runUntil(lan.dhcp.rebindAt() + 120 * S);
        assertEquals(State.BOUND, lan.dhcp.state(), () -> lan.events + " " + server());
        assertTrue(lan.events.contains(Event.REBOUND), lan.events::toString);
    }

    @Test
    void nakOnRenewalDropsTheAddressAndLeasesAgain() {
        bound();
        server().nakRequests(1);
        lan.runUntil(lan.dhcp.renewAt() + S);
        assertEquals(0, lan.driver.address());
        assertTrue(lan.events.contains(Event.LOST));
        assertTrue(lan.runFor(30 * S, lan.dhcp::bound));
        assertEquals(2, lan.events.stream().filter(e -> e == Event.BOUND).count());
    }

    @Test
    void declinesAnAddressAnotherStationHoldsAndTakesTheNext() {
        lan = LanStack.standard(0);
        lan.runSntp = false;
        lan.sim.lan().occupy("192.168.1.100");
        assertTrue(lan.runFor(60 * S, lan.dhcp::bound));
        assertEquals(1, server().received(DhcpServer.MessageType.DECLINE));
        assertTrue(lan.dhcp.address() != FIRST, "not the occupied address");
        assertEquals(lan.dhcp.address(), lan.driver.address());
        assertEquals(List.of(Event.DECLINED, Event.BOUND), lan.events);
    }

    @Test
    void withTwoServersTakesTheFirstOfferAndRenewsWithThatServer() {
        LanStack.SimClock[] holder = new LanStack.SimClock[1];
        lan = new LanStack(dev.w5100alert.sim.VirtualNetwork.builder()
                .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.110").replyDelayMillis(20))
                .dhcpServer("192.168.1.2", d -> d.pool("192.168.1.200", "192.168.1.210").replyDelayMillis(2)), 0);
        holder[0] = lan.clock;
        lan.runSntp = false;
        lan.runDns = false;
        assertTrue(lan.runFor(10 * S, lan.dhcp::bound));
        assertEquals(Ipv4.of(192, 168, 1, 200), lan.dhcp.address(), "the quicker server's offer");
        assertEquals(Ipv4.of(192, 168, 1, 2), lan.dhcp.server());
        DhcpServer slow = lan.sim.lan().dhcp("192.168.1.1");
        DhcpServer quick = lan.sim.lan().dhcp("192.168.1.2");
        lan.runUntil(lan.dhcp.renewAt() + S);
        assertEquals(1, quick.requests(DhcpServer.RequestKind.RENEWING));
        assertEquals(0, slow.requests(DhcpServer.RequestKind.RENEWING), "unicast: only the lease's server");
        assertEquals(State.BOUND, lan.dhcp.state());
    }

    @Test
    void lostDiscoverAndRequestAreRetransmittedAfter4Then8Seconds() {
        lan = LanStack.standard(0);
        lan.runSntp = false;
        server().dropMessages(2); // the first DISCOVER and its first retransmission
        long t0 = lan.now();
        assertTrue(lan.runFor(30 * S, lan.dhcp::bound));
        long took = lan.now() - t0;
        // DISCOVER at 0, 4 +- 1, 12 +- 2 s; the third is answered; then the 1.8 s ARP probe
        assertTrue(took >= 10 * S && took <= 17 * S, "bound after " + took / 1e9 + " s");
        assertEquals(3, server().received(DhcpServer.MessageType.DISCOVER));
    }

    @Test
    void keepsRetryingWithBackoffWhileNoServerAnswers() {
        lan = LanStack.standard(0);
        lan.runSntp = false;
        server().silent(true);
        lan.runUntil(lan.now() + 130 * S);
        int discovers = server().received(DhcpServer.MessageType.DISCOVER);
        // 0, 4, 12, 28, 60, 124 s (+-1 s each): six in 130 s, never a burst
        assertTrue(discovers >= 5 && discovers <= 7, "DISCOVERs in 130 s: " + discovers);
        assertFalse(lan.dhcp.bound());
    }

    @Test
    void keepsTheLeaseAcrossAChipReset() {
        bound();
        long expires = lan.dhcp.expiresAt();
        lan.driver.bringUp(LanStack.PLACEHOLDER); // what the board does after it finds the chip reset
        lan.dhcp.chipReset(lan.now());
        assertEquals(FIRST, lan.driver.address());
        assertEquals(expires, lan.dhcp.expiresAt());
        lan.runUntil(lan.dhcp.renewAt() + S);
        assertEquals(State.BOUND, lan.dhcp.state());
        assertEquals(1, server().requests(DhcpServer.RequestKind.RENEWING));
    }

    // ---------------------------------------------------------------- DNS

    private Status resolve(String name) {
        lan.useLeaseServers();
        Status s = lan.dns.resolve(name, lan.now());
        lan.runFor(30 * S, () -> lan.dns.status() != Status.PENDING);
        return lan.dns.status();
    }

    @Test
    void resolvesANameThroughACnameWithTheLeasesDnsServer() {
        bound();
        long frames = lan.driver.framesSent();
        assertEquals(Status.RESOLVED, resolve("mail.example.com"));
        System.out.println("DNS lookup (CNAME + A) over w5100-sim: " + (lan.driver.framesSent() - frames)
                + " SPI frames (rebind to a fresh port, query, answer, RX polls)");
        assertEquals(Ipv4.of(192, 168, 1, 10), lan.dns.address());
        int queries = lan.sim.lan().dns().queries();
        assertEquals(Status.RESOLVED, resolve("MAIL.example.com"), "cached, case folded");
        assertEquals(queries, lan.sim.lan().dns().queries());
    }

    @Test
    void usesAFreshIdAndSourcePortPerQuery() {
        bound();
        lan.dns.servers(new int[] {Ipv4.of(192, 168, 1, 53)}, 1);
        Set<Integer> ids = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            lan.dns.flush();
            assertEquals(Status.RESOLVED, resolve("smtp.example.com"));
        }
        for (int id : lan.sim.lan().dns().recentQueryIds()) {
            ids.add(id);
        }
        for (int p : lan.sim.lan().dns().recentSourcePorts()) {
            ports.add(p);
        }
        assertTrue(ids.size() >= 5, "IDs " + ids);
        assertTrue(ports.size() >= 5, "ports " + ports);
    }

    @Test
    void nxdomainIsFinal() {
        bound();
        assertEquals(Status.NOT_FOUND, resolve("nobody.example.com"));
        lan.sim.lan().dns().fault(DnsFault.NXDOMAIN);
        assertEquals(Status.NOT_FOUND, resolve("smtp.example.com"));
        assertEquals(2, lan.sim.lan().dns().queries());
    }

    @Test
    void answersThatAreNotOursAreIgnoredUntilTheQueryTimesOut() {
        for (DnsFault f : new DnsFault[] {DnsFault.WRONG_ID, DnsFault.WRONG_QUESTION, DnsFault.WRONG_SOURCE_ADDRESS,
                DnsFault.WRONG_SOURCE_PORT, DnsFault.SILENT}) {
            bound();
            lan.sim.lan().dns().fault(f);
            long t0 = lan.now();
            assertEquals(Status.FAILED, resolve("smtp.example.com"), f::name);
            // one server, two rounds: 2 s then 4 s
            assertTrue(lan.now() - t0 >= 6 * S, f + " gave up after " + (lan.now() - t0) / 1e9 + " s");
            assertEquals(2, lan.sim.lan().dns().queries(), f::name);
            lan.close();
        }
        lan = null;
    }

    @Test
    void truncationServfailAndAPointerLoopMoveOnWithoutHanging() {
        for (DnsFault f : new DnsFault[] {DnsFault.TRUNCATED, DnsFault.SERVFAIL, DnsFault.POINTER_LOOP}) {
            bound();
            lan.sim.lan().dns().faultNext(f, 1);
            assertEquals(Status.RESOLVED, resolve("smtp.example.com"), f::name);
            assertEquals(2, lan.sim.lan().dns().queries(), f + ": asked again at once");
            lan.close();
        }
        lan = null;
    }

    // ---------------------------------------------------------------- SNTP

    private LanStack timeLan(long skewMillis) {
        lan = LanStack.standard(skewMillis);
        assertTrue(lan.runFor(10 * S, lan.dhcp::bound));
        lan.useLeaseServers();
        return lan;
    }

    @Test
    void networkTimeCorrectsABoardClock400DaysBehind() {
        long behind = -400L * 86_400_000L;
        timeLan(behind);
        long frames = lan.driver.framesSent();
        assertTrue(lan.runFor(10 * S, lan.wall::known));
        System.out.println("SNTP sync over w5100-sim: " + (lan.driver.framesSent() - frames) + " SPI frames");
        long error = lan.wall.epochMillis() - lan.clock.trueEpochMillis();
        assertTrue(Math.abs(error) <= 20, "wall clock off by " + error + " ms after sync");
        assertEquals(Result.SYNCED, lan.sntp.lastResult());
        assertTrue(lan.sntp.lastDelayMillis() >= 0);
        long resync = lan.sntp.pollAt();
        assertTrue(resync - lan.now() > 3500 * S, "re-sync in an hour");
        int requests = lan.sim.lan().ntp().requests();
        lan.runUntil(resync + S);
        assertEquals(requests + 1, lan.sim.lan().ntp().requests());
        assertEquals(2, lan.wall.syncs());
    }

    @Test
    void refusesKissOfDeathUnsynchronisedZeroTransmitAndAWrongOriginate() {
        for (NtpFault f : new NtpFault[] {NtpFault.KISS_OF_DEATH, NtpFault.LEAP_UNSYNCHRONISED, NtpFault.ZERO_TRANSMIT,
                NtpFault.WRONG_ORIGINATE, NtpFault.SILENT}) {
            timeLan(-3_600_000L);
            lan.sim.lan().ntp().fault(f);
            lan.runUntil(lan.now() + 5 * S);
            assertFalse(lan.wall.known(), f::name);
            assertEquals(0, lan.wall.offsetMillis(), f::name);
            Result expected = switch (f) {
                case KISS_OF_DEATH -> Result.KISS_OF_DEATH;
                case WRONG_ORIGINATE, SILENT -> Result.TIMEOUT;
                default -> Result.REFUSED;
            };
            assertEquals(expected, lan.sntp.lastResult(), f::name);
            lan.close();
        }
        lan = null;
    }
}
