package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dhcp.DhcpClient.Event;
import dev.w5100alert.firmware.dhcp.DhcpClient.State;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.hal.Ipv4;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DHCP client's whole lease lifecycle in virtual time, against a scripted server. */
class DhcpClientTest {

    static final long S = 1_000_000_000L;
    static final long MAC = 0x02_00_5E_10_20_30L;
    static final int SERVER = Ipv4.of(192, 168, 1, 1);
    static final int POOL = Ipv4.of(192, 168, 1, 77);

    final ScriptedUdpLink link = new ScriptedUdpLink();
    final TestDhcpServer server = new TestDhcpServer(SERVER, POOL);
    final List<Event> events = new ArrayList<>();
    int ip = 12345;
    int mask;
    int gateway;
    int addressWrites;
    long now = 5 * S;
    DhcpClient client;

    DhcpClientTest() throws NoSuchAlgorithmException {
        link.peer = server;
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(42);
        client = new DhcpClient(link, (a, m, g) -> {
            ip = a;
            mask = m;
            gateway = g;
            addressWrites++;
        }, RandomSource.of(seeded), MAC, "alert-box");
        client.listener((e, c) -> events.add(e));
    }

    /** Steps the client through every deadline up to {@code until}. */
    void runUntil(long until) {
        for (int guard = 0; guard < 100_000; guard++) {
            long at = client.doWork(now);
            if (link.pending() > 0) {
                continue; // a reply is waiting: take it at the same instant
            }
            if (at > until) {
                now = until;
                client.doWork(now);
                return;
            }
            now = Math.max(now, at);
        }
        throw new AssertionError("client never went idle");
    }

    void lease() {
        runUntil(now + S);
        assertEquals(State.BOUND, client.state());
    }

    @Test
    void leasesTheOfferedAddressAfterTheArpProbeFindsItFree() {
        lease();
        assertEquals(POOL, client.address());
        assertEquals(POOL, ip, "the chip got the leased address");
        assertEquals(0xFFFFFF00, mask);
        assertEquals(Ipv4.of(192, 168, 1, 1), gateway);
        assertEquals(1, server.discovers);
        assertEquals(1, server.requests);
        assertTrue(server.lastRequestHadOption50, "REQUESTING names the offered address");
        assertTrue(server.lastRequestBroadcastFlag, "unaddressed: replies must be broadcast to reach the chip");
        int[] dns = new int[3];
        assertEquals(2, client.dnsServers(dns));
        assertEquals(Ipv4.of(192, 168, 1, 53), dns[0]);
        int[] ntp = new int[3];
        assertEquals(1, client.ntpServers(ntp));
        assertEquals(List.of(Event.BOUND), events);
        assertEquals(68, link.boundPort);
    }

    @Test
    void renewsAtT1ByUnicastWithCiaddrAndWithoutOptions50And54() {
        lease();
        long t1 = client.renewAt();
        assertEquals(1800 * S, t1 - 5 * S, "T1 defaults to half the lease, counted from the REQUEST");
        runUntil(t1 - S);
        assertEquals(0, server.unicastRequests);
        runUntil(t1 + S);
        assertEquals(1, server.unicastRequests);
        assertEquals(POOL, server.lastRequestCiaddr);
        assertFalse(server.lastRequestHadOption50);
        assertFalse(server.lastRequestBroadcastFlag);
        assertEquals(State.BOUND, client.state());
        assertEquals(1, client.renewals());
        assertTrue(client.renewAt() > t1 + 1700 * S);
        assertEquals(List.of(Event.BOUND, Event.RENEWED), events);
    }

    @Test
    void honoursT1AndT2FromOptions58And59() {
        server.t1 = 600;
        server.t2 = 900;
        lease();
        assertEquals(600 * S, client.renewAt() - 5 * S);
        assertEquals(900 * S, client.rebindAt() - 5 * S);
        assertEquals(3600 * S, client.expiresAt() - 5 * S);
    }

    @Test
    void rebindsByBroadcastAtT2WhenTheServerStopsAnswering() {
        lease();
        int broadcastsWhileRequesting = server.broadcastRequests;
        server.silent = true;
        runUntil(client.rebindAt() - S);
        assertEquals(State.RENEWING, client.state());
        assertTrue(server.unicastRequests >= 3, "RENEWING retransmits, halving the time to T2: " + server.unicastRequests);
        assertEquals(broadcastsWhileRequesting, server.broadcastRequests);
        runUntil(client.rebindAt() + S);
        assertEquals(State.REBINDING, client.state());
        assertEquals(broadcastsWhileRequesting + 1, server.broadcastRequests);
        assertEquals(POOL, server.lastRequestCiaddr);
        assertEquals(POOL, client.address(), "still ours until expiry");
        server.silent = false;
        runUntil(now + 230 * S); // next try: half the 450 s left to expiry
        assertEquals(State.BOUND, client.state());
        assertEquals(List.of(Event.BOUND, Event.REBOUND), events);
    }

    @Test
    void dropsTheAddressAtExpiryAndStartsOver() {
        lease();
        server.silent = true;
        long expiry = client.expiresAt();
        runUntil(expiry - S);
        assertEquals(POOL, client.address());
        assertEquals(POOL, ip);
        runUntil(expiry);
        assertEquals(State.SELECTING, client.state());
        assertEquals(0, client.address());
        assertEquals(0, ip, "the chip no longer uses the expired address");
        assertEquals(List.of(Event.BOUND, Event.LOST), events);
        assertEquals(2, server.discovers);
    }

    @Test
    void nakWhileRenewingDropsTheAddress() {
        lease();
        server.nak = true;
        runUntil(client.renewAt() + S);
        assertEquals(State.INIT, client.state());
        assertEquals(0, ip);
        assertEquals(0, client.address());
        assertEquals(1, client.naks());
        assertEquals(List.of(Event.BOUND, Event.LOST), events);
    }

    @Test
    void nakWhileRequestingGoesBackToInit() {
        server.nak = true;
        runUntil(now + 2 * S);
        assertEquals(State.INIT, client.state());
        assertEquals(1, server.discovers);
        assertEquals(List.of(Event.NAK), events);
        runUntil(now + 4 * S);
        assertEquals(2, server.discovers, "DISCOVER again after a pause of 4 +- 1 s");
        server.nak = false;
        runUntil(now + 10 * S);
        assertEquals(State.BOUND, client.state());
    }

    @Test
    void declinesAnAddressSomeoneElseAnswersArpFor() {
        server.takenAddress = POOL;
        runUntil(now + S);
        assertEquals(State.DECLINED, client.state());
        assertEquals(1, server.declines);
        assertEquals(0, ip);
        assertEquals(0, client.address());
        int discovers = server.discovers;
        runUntil(now + 8 * S);
        assertEquals(discovers, server.discovers, "waits 10 s before starting over (RFC 2131 3.1.5)");
        server.pool = POOL + 1;
        runUntil(now + 2 * S);
        assertEquals(State.BOUND, client.state());
        assertEquals(POOL + 1, client.address());
        assertEquals(List.of(Event.DECLINED, Event.BOUND), events);
    }

    @Test
    void waitsForTheProbeWithoutBlockingAndGivesUpAtTheDeadlineAsFree() {
        link.holdPending = true; // ARP neither answered nor timed out yet
        runUntil(now + S);
        assertEquals(State.CHECKING, client.state());
        assertEquals(POOL, ip, "the chip has the address while it probes");
        assertFalse(client.bound(), "not usable until the probe says free");
        long giveUp = client.pollAt();
        runUntil(giveUp + 1);
        // sendGiveUp(): the scripted datagram never left, which counts as FAILED: probe again shortly
        assertEquals(State.CHECKING, client.state());
        link.holdPending = false;
        runUntil(now + 5 * S);
        assertEquals(State.BOUND, client.state());
    }

    @Test
    void ignoresRepliesWithAnotherXidOrAnotherChaddr() {
        server.corruptXid = 0x40;
        runUntil(now + 3 * S);
        assertEquals(State.SELECTING, client.state());
        assertTrue(client.ignored() >= 1);
        server.corruptXid = 0;
        server.otherChaddr = 0x02_11_22_33_44_55L;
        runUntil(now + 60 * S);
        assertEquals(State.SELECTING, client.state());
        server.otherChaddr = 0;
        runUntil(now + 70 * S);
        assertEquals(State.BOUND, client.state());
    }

    @Test
    void retransmitsDiscoverAt4_8_16_32_64_64SecondsEachWithinOneSecond() {
        server.silent = true;
        long[] sentAt = new long[8];
        int[] n = {0};
        ScriptedUdpLink.Peer quiet = (a, p, b, o, len, l) -> {
            if (n[0] < sentAt.length) {
                sentAt[n[0]++] = now;
            }
            return len;
        };
        link.peer = quiet;
        runUntil(now + 300 * S);
        long[] expected = {4, 8, 16, 32, 64, 64};
        for (int i = 0; i < expected.length; i++) {
            long gap = sentAt[i + 1] - sentAt[i];
            assertTrue(gap >= (expected[i] - 1) * S && gap <= (expected[i] + 1) * S,
                    "retry " + i + " after " + gap / 1e9 + " s, want " + expected[i] + " +-1");
        }
    }

    @Test
    void keepsTheLeaseAcrossAChipResetAndWritesTheAddressAgain() {
        lease();
        long renewAt = client.renewAt();
        int binds = link.binds;
        int writes = addressWrites;
        ip = 0; // what a reset chip holds
        link.failNextReceive = true;
        runUntil(now + S);
        assertEquals(State.BOUND, client.state());
        assertEquals(binds + 1, link.binds);
        assertEquals(68, link.boundPort);
        assertEquals(writes + 1, addressWrites);
        assertEquals(POOL, ip);
        assertEquals(renewAt, client.renewAt());
    }

    @Test
    void usesAFreshXidPerExchange() {
        runUntil(now + 1);
        int discoverXid = TestDhcpServer.i32(link.lastSent, 4);
        lease();
        runUntil(client.renewAt() + 1);
        int renewXid = TestDhcpServer.i32(link.lastSent, 4);
        assertNotEquals(discoverXid, renewXid);
    }
}
