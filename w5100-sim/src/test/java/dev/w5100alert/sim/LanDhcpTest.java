package dev.w5100alert.sim;

import static dev.w5100alert.sim.DhcpPacket.*;
import static dev.w5100alert.sim.LanWire.BROADCAST;
import static dev.w5100alert.sim.LanWire.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.sim.lan.DhcpServer;
import dev.w5100alert.sim.lan.DhcpServer.LeaseState;
import dev.w5100alert.sim.lan.DhcpServer.MessageType;
import dev.w5100alert.sim.lan.DhcpServer.RequestKind;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LAN's DHCP server through the chip's UDP socket on port 68, at raw frame level, in virtual time. */
class LanDhcpTest {
    static final int SERVER = ip("192.168.1.1");
    static final int XID = 0x3903F326;

    VirtualClock clock = new VirtualClock();
    W5100Simulator sim;
    LanWire w;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    void start(Consumer<VirtualNetwork.Builder> extra) {
        VirtualNetwork.Builder b = VirtualNetwork.builder()
                .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.110")
                        .dnsServers("192.168.1.53", "192.168.1.54").ntpServers("192.168.1.123")
                        .domain("home.lan").leaseSeconds(600));
        extra.accept(b);
        sim = new W5100Simulator(b.build(), clock::nanoTime);
        w = new LanWire(sim, clock).configure(0, 0, 0);
        w.openUdp(0, 68);
    }

    void start() {
        start(b -> { });
    }

    DhcpServer server() {
        return sim.lan().dhcp();
    }

    Reply exchange(byte[] message, int dst) {
        assertTrue(w.sendTo(0, dst, 67, message), "SEND_OK for the message");
        byte[] got = w.receive(0, 100);
        return got == null ? null : Reply.of(got);
    }

    /** DISCOVER, OFFER, REQUEST (SELECTING), ACK: the address now leased. */
    int lease() {
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).build(), BROADCAST);
        Reply ack = exchange(new DhcpPacket(REQUEST, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER).build(),
                BROADCAST);
        assertEquals(ACK, ack.type());
        return ack.yiaddr();
    }

    @Test
    void broadcastDiscoverFromAnUnconfiguredChipGetsAnOfferAndTheRequestAnAck() {
        start();
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).option(12, "alarm".getBytes())
                .option(61, (byte) 1, (byte) 2, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1).build(), BROADCAST);
        assertNotNull(offer, "an OFFER came back with SIPR 0.0.0.0");
        assertEquals(SERVER, w.lastSourceIp);
        assertEquals(67, w.lastSourcePort);
        assertEquals(2, offer.op());
        assertEquals(OFFER, offer.type());
        assertEquals(XID, offer.xid(), "xid echoed");
        assertEquals(0x8000, offer.flags(), "flags echoed");
        assertArrayEquals(MAC, java.util.Arrays.copyOfRange(offer.raw(), 28, 34), "chaddr echoed");
        assertEquals(ip("192.168.1.100"), offer.yiaddr());
        assertEquals(SERVER, offer.ipOption(54));
        assertEquals(600, offer.ipOption(51));
        assertEquals(300, offer.ipOption(58), "T1 = lease/2");
        assertEquals(525, offer.ipOption(59), "T2 = lease*7/8");
        assertEquals(ip("255.255.255.0"), offer.ipOption(1));
        assertEquals(SERVER, offer.ipOption(3));
        assertEquals(8, offer.options().get(6).length);
        assertEquals(ip("192.168.1.54"), get32(offer.options().get(6), 4));
        assertEquals(ip("192.168.1.123"), offer.ipOption(42));
        assertEquals("home.lan", new String(offer.options().get(15)));
        assertTrue(offer.raw().length >= 300);

        Reply ack = exchange(new DhcpPacket(REQUEST, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER)
                .option(61, (byte) 1, (byte) 2, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1).build(), BROADCAST);
        assertEquals(ACK, ack.type());
        assertEquals(ip("192.168.1.100"), ack.yiaddr());
        assertEquals(1, server().received(MessageType.DISCOVER));
        assertEquals(1, server().received(MessageType.REQUEST));
        assertEquals(1, server().requests(RequestKind.SELECTING));
        assertEquals(1, server().sent(MessageType.OFFER));
        assertEquals(1, server().sent(MessageType.ACK));
        List<DhcpServer.Lease> leases = server().leases();
        assertEquals(1, leases.size());
        assertEquals("192.168.1.100", leases.get(0).address());
        assertEquals(LeaseState.BOUND, leases.get(0).state());
        assertEquals("alarm", leases.get(0).hostname());
        assertEquals("3d01020000000001", leases.get(0).clientId(), "keyed by option 61");
        assertEquals(0, sim.counters().unhandled(), sim.unhandledLog().toString());
    }

    @Test
    void parameterListChoosesAndOrdersTheOptionsSent() {
        start();
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).option(55, (byte) 6, (byte) 1, (byte) 99).build(),
                BROADCAST);
        assertEquals(List.of(53, 54, 51, 6, 1), List.copyOf(offer.options().keySet()));
        assertArrayEquals(new int[] {6, 1, 99}, server().lastParameterList());
    }

    @Test
    void maximumMessageSizeIsHonoured() {
        String[] many = new String[63];
        for (int i = 0; i < many.length; i++) {
            many[i] = "10.0.0." + (i + 1);
        }
        start(b -> b.dhcpServer("192.168.1.1", d -> d.dnsServers(many).ntpServers(many)));
        Reply small = exchange(new DhcpPacket(DISCOVER, XID).build(), BROADCAST);
        assertTrue(small.raw().length <= 576, "default limit 576, got " + small.raw().length);
        assertFalse(small.options().containsKey(42), "what does not fit is left out");
        Reply large = exchange(new DhcpPacket(DISCOVER, XID).option(57, (byte) 0x04, (byte) 0x00).build(), BROADCAST);
        assertTrue(large.options().containsKey(42) && large.options().containsKey(6));
        assertEquals(1024, server().lastMaxMessageSize());
    }

    @Test
    void answersWithoutBroadcastFlagAreUnicastToYiaddrAndAnUnconfiguredChipDropsThem() {
        start();
        assertTrue(w.sendTo(0, BROADCAST, 67, new DhcpPacket(DISCOVER, XID).unicastReply().build()));
        assertNull(w.receive(0, 100), "OFFER went to 192.168.1.100, not SIPR 0.0.0.0");
        assertEquals(1, server().sent(MessageType.OFFER));
        assertEquals(1, sim.lan().droppedAnswers());
    }

    @Test
    void renewalIsUnicastAndRebindingBroadcastAndIgnoredRenewalsForceTheRebind() {
        start();
        int mine = lease();
        w.address(mine, ip("255.255.255.0"), SERVER);
        Reply renewed = exchange(new DhcpPacket(REQUEST, XID + 1).ciaddr(mine).unicastReply().build(), SERVER);
        assertEquals(ACK, renewed.type(), "RENEWING answered");
        assertEquals(mine, renewed.ciaddr());
        assertEquals(1, server().requests(RequestKind.RENEWING));

        server().ignoreRenewals(true);
        assertNull(exchange(new DhcpPacket(REQUEST, XID + 2).ciaddr(mine).unicastReply().build(), SERVER),
                "renewals ignored");
        Reply rebound = exchange(new DhcpPacket(REQUEST, XID + 3).ciaddr(mine).unicastReply().build(), BROADCAST);
        assertEquals(ACK, rebound.type(), "REBINDING answered");
        assertEquals(XID + 3, rebound.xid());
        assertEquals(2, server().requests(RequestKind.RENEWING));
        assertEquals(1, server().requests(RequestKind.REBINDING));
    }

    @Test
    void nakForTheNextRequestsThenAcks() {
        start();
        server().nakRequests(2);
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).build(), BROADCAST);
        byte[] request = new DhcpPacket(REQUEST, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER).build();
        Reply nak = exchange(request, BROADCAST);
        assertEquals(NAK, nak.type());
        assertEquals(0, nak.yiaddr());
        assertFalse(nak.options().containsKey(51));
        assertEquals(NAK, exchange(request, BROADCAST).type());
        assertEquals(ACK, exchange(request, BROADCAST).type());
        assertEquals(2, server().sent(MessageType.NAK));
    }

    @Test
    void droppedAndSilentMessagesGetNoAnswerButAreCounted() {
        start();
        server().dropMessages(2);
        byte[] discover = new DhcpPacket(DISCOVER, XID).build();
        assertNull(exchange(discover, BROADCAST));
        assertNull(exchange(discover, BROADCAST));
        assertEquals(OFFER, exchange(discover, BROADCAST).type());
        server().silent(true);
        assertNull(exchange(discover, BROADCAST));
        assertEquals(4, server().received(MessageType.DISCOVER));
        assertEquals(1, server().sent(MessageType.OFFER));
    }

    @Test
    void aSecondServerOffersTooAndTheClientsChoiceWithdrawsTheOtherOffer() {
        start(b -> b.dhcpServer("192.168.1.2", d -> d.pool("192.168.1.200", "192.168.1.210").replyDelayMillis(5)));
        assertTrue(w.sendTo(0, BROADCAST, 67, new DhcpPacket(DISCOVER, XID).build()));
        Reply first = Reply.of(w.receive(0, 100));
        Reply second = Reply.of(w.receive(0, 100));
        assertEquals(SERVER, first.ipOption(54), "the prompter server first");
        assertEquals(ip("192.168.1.2"), second.ipOption(54));
        assertEquals(ip("192.168.1.200"), second.yiaddr());
        assertEquals(1, server().leases().size(), "first server holds its offer");

        Reply ack = exchange(new DhcpPacket(REQUEST, XID).ipOption(50, second.yiaddr()).ipOption(54, ip("192.168.1.2"))
                .build(), BROADCAST);
        assertEquals(ACK, ack.type());
        assertEquals(ip("192.168.1.2"), ack.ipOption(54));
        assertNull(w.receive(0, 100), "only the chosen server answers");
        assertTrue(server().leases().isEmpty(), "first server's offer withdrawn");
        assertEquals(0, server().sent(MessageType.ACK) + server().sent(MessageType.NAK));
        assertEquals(1, sim.lan().dhcp("192.168.1.2").leases().size());
    }

    @Test
    void anAddressInUseAnswersArpSoTheClientDeclinesItAndGetsAnother() {
        start();
        sim.lan().occupy("192.168.1.100");
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).build(), BROADCAST);
        assertEquals(ip("192.168.1.100"), offer.yiaddr());
        // the client's check: a datagram to the offered address; ARP answered means taken
        assertTrue(w.sendTo(0, offer.yiaddr(), 9, new byte[] {1}), "ARP answered: address in use");
        assertFalse(w.sendTo(0, ip("192.168.1.101"), 9, new byte[] {1}), "ARP unanswered: address free");
        assertNull(exchange(new DhcpPacket(DECLINE, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER).build(),
                BROADCAST), "DECLINE has no answer");
        assertEquals(1, server().received(MessageType.DECLINE));
        assertEquals(LeaseState.DECLINED, server().leases().get(0).state());
        Reply next = exchange(new DhcpPacket(DISCOVER, XID + 1).build(), BROADCAST);
        assertEquals(ip("192.168.1.101"), next.yiaddr());
    }

    @Test
    void leaseExpiresInVirtualTimeAndALateRenewalIsRefused() {
        start(b -> b.dhcpServer("192.168.1.1", d -> d.leaseSeconds(60)));
        int mine = lease();
        w.address(mine, ip("255.255.255.0"), SERVER);
        clock.advanceMillis(59_000);
        assertEquals(1, server().leases().size());
        clock.advanceMillis(2_000);
        assertTrue(server().leases().isEmpty(), "expired after 60 s");
        Reply late = exchange(new DhcpPacket(REQUEST, XID).ciaddr(mine).unicastReply().build(), SERVER);
        assertEquals(NAK, late.type());
    }

    @Test
    void initRebootIsAckedForTheClientsLeaseNakedOffSubnetAndIgnoredForStrangers() {
        start();
        int mine = lease();
        assertEquals(ACK, exchange(new DhcpPacket(REQUEST, XID).ipOption(50, mine).build(), BROADCAST).type());
        assertEquals(NAK, exchange(new DhcpPacket(REQUEST, XID).ipOption(50, ip("10.1.1.1")).build(), BROADCAST).type());
        byte[] stranger = {0x02, 0, 0, 0, 0, 0x77};
        assertNull(exchange(new DhcpPacket(REQUEST, XID).mac(stranger).ipOption(50, ip("192.168.1.105")).build(),
                BROADCAST), "no record of this client: silent");
        assertEquals(3, server().requests(RequestKind.INIT_REBOOT));
    }

    @Test
    void releaseFreesTheAddressAndMalformedMessagesAreIgnored() {
        start();
        int mine = lease();
        assertNull(exchange(new DhcpPacket(RELEASE, XID).ciaddr(mine).ipOption(54, SERVER).build(), SERVER));
        assertTrue(server().leases().isEmpty());
        assertNull(exchange(new DhcpPacket(DISCOVER, XID).raw((byte) 12, (byte) 200, (byte) 'x').build(), BROADCAST),
                "an option running past the end");
        assertEquals(1, server().malformed());
    }

    @Test
    void informGetsOptionsWithoutALease() {
        start();
        w.address(ip("192.168.1.40"), ip("255.255.255.0"), SERVER);
        Reply ack = exchange(new DhcpPacket(INFORM, XID).ciaddr(ip("192.168.1.40")).build(), BROADCAST);
        assertEquals(ACK, ack.type());
        assertEquals(0, ack.yiaddr());
        assertFalse(ack.options().containsKey(51));
        assertEquals(ip("192.168.1.123"), ack.ipOption(42));
    }

    @Test
    void theServerKeepsTheLeaseAcrossAChipResetAndAnswersInitReboot() {
        start();
        int mine = lease();
        sim.hardwareReset();
        w.configure(0, 0, 0);
        w.openUdp(0, 68);
        Reply ack = exchange(new DhcpPacket(REQUEST, XID + 9).ipOption(50, mine).build(), BROADCAST);
        assertEquals(ACK, ack.type());
        assertEquals(mine, ack.yiaddr());
        assertEquals(1, server().requests(RequestKind.INIT_REBOOT));
    }

    @Test
    void aServerThatForgotItsLeasesRefusesTheRenewal() {
        start();
        int mine = lease();
        w.address(mine, ip("255.255.255.0"), SERVER);
        server().forgetLeases();
        assertTrue(server().leases().isEmpty());
        assertEquals(NAK, exchange(new DhcpPacket(REQUEST, XID).ciaddr(mine).unicastReply().build(), SERVER).type());
    }

    @Test
    void aUnicastRenewalReachesOnlyTheServerItIsSentTo() {
        start(b -> b.dhcpServer("192.168.1.2", d -> d.pool("192.168.1.100", "192.168.1.110")));
        assertTrue(w.sendTo(0, BROADCAST, 67, new DhcpPacket(DISCOVER, XID).build()));
        Reply offer = Reply.of(w.receive(0, 100));
        w.receive(0, 100); // the second server's offer
        assertEquals(ACK, exchange(new DhcpPacket(REQUEST, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER)
                .build(), BROADCAST).type());
        w.address(offer.yiaddr(), ip("255.255.255.0"), SERVER);
        assertEquals(ACK, exchange(new DhcpPacket(REQUEST, XID).ciaddr(offer.yiaddr()).unicastReply().build(), SERVER)
                .type());
        assertNull(w.receive(0, 100), "the other server never saw the renewal");
        assertEquals(0, sim.lan().dhcp("192.168.1.2").requests(RequestKind.RENEWING));
    }

    @Test
    void anInfiniteLeaseNeverExpiresAndCarriesNoRenewalTimes() {
        start(b -> b.dhcpServer("192.168.1.1", d -> d.leaseSeconds(DhcpServer.INFINITE)));
        Reply offer = exchange(new DhcpPacket(DISCOVER, XID).build(), BROADCAST);
        assertEquals(-1, offer.ipOption(51), "0xFFFFFFFF");
        assertFalse(offer.options().containsKey(58));
        assertFalse(offer.options().containsKey(59));
        exchange(new DhcpPacket(REQUEST, XID).ipOption(50, offer.yiaddr()).ipOption(54, SERVER).build(), BROADCAST);
        clock.advanceMillis(10L * 365 * 24 * 3600 * 1000);
        assertEquals(1, server().leases().size());
    }

    @Test
    void aFullPoolLeavesDiscoversUnanswered() {
        start(b -> b.dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.101")));
        for (int i = 0; i < 2; i++) {
            byte[] mac = {0x02, 0, 0, 0, 1, (byte) i};
            assertNotNull(exchange(new DhcpPacket(DISCOVER, XID + i).mac(mac).build(), BROADCAST));
        }
        assertNull(exchange(new DhcpPacket(DISCOVER, XID + 2).build(), BROADCAST));
        assertEquals(1, server().poolExhausted());
        clock.advanceMillis(121_000);
        assertNotNull(exchange(new DhcpPacket(DISCOVER, XID + 3).build(), BROADCAST), "offers lapse after 120 s");
    }
}
