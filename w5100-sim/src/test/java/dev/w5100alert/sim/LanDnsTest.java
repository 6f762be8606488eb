package dev.w5100alert.sim;

import static dev.w5100alert.sim.LanWire.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.sim.lan.DnsFault;
import dev.w5100alert.sim.lan.DnsServer;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The LAN's DNS server through a chip UDP socket, at raw frame level. */
class LanDnsTest {
    static final int DNS = ip("192.168.1.53");

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
                .dnsServer("192.168.1.53", d -> d.a("smtp.example.com", "192.168.1.10")
                        .a("smtp.example.com", "192.168.1.11")
                        .cname("mail.example.com", "relay.example.com").cname("relay.example.com", "smtp.example.com")
                        .cname("loop.example.com", "loop.example.com").ttlSeconds(120));
        extra.accept(b);
        sim = new W5100Simulator(b.build(), clock::nanoTime);
        w = new LanWire(sim, clock).configure(ip("192.168.1.50"), ip("255.255.255.0"), ip("192.168.1.1"));
        w.openUdp(0, 40000);
    }

    void start() {
        start(b -> { });
    }

    DnsServer server() {
        return sim.lan().dns();
    }

    static byte[] query(int id, String name, int qtype) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(id >>> 8);
        o.write(id);
        o.write(0x01); // RD
        o.write(0);
        o.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            o.write(label.length());
            o.writeBytes(label.getBytes());
        }
        o.write(0);
        o.writeBytes(new byte[] {0, (byte) qtype, 0, 1});
        return o.toByteArray();
    }

    /** A reply read by this test: header, question and answers (type, TTL, A address or CNAME target). */
    record Answer(String owner, int type, int ttl, String data) {
    }

    record Reply(byte[] raw, int id, int flags, int rcode, int qdcount, String question, List<Answer> answers) {
        boolean tc() {
            return (flags & 0x0200) != 0;
        }

        boolean aa() {
            return (flags & 0x0400) != 0;
        }

        static Reply of(byte[] p) {
            int[] at = {12};
            int qd = get16(p, 4);
            String q = qd == 1 ? name(p, at) : null;
            at[0] += 4;
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < get16(p, 6); i++) {
                String owner = name(p, at);
                int type = get16(p, at[0]);
                int ttl = (get16(p, at[0] + 4) << 16) | get16(p, at[0] + 6);
                int rdlen = get16(p, at[0] + 8);
                int rd = at[0] + 10;
                String data = type == 1 ? (p[rd] & 0xFF) + "." + (p[rd + 1] & 0xFF) + "." + (p[rd + 2] & 0xFF) + "."
                        + (p[rd + 3] & 0xFF) : name(p, new int[] {rd});
                answers.add(new Answer(owner, type, ttl, data));
                at[0] = rd + rdlen;
            }
            return new Reply(p, get16(p, 0), get16(p, 2), p[3] & 0x0F, qd, q, answers);
        }

        /** Reads a name, following at most 10 backward pointers (this test's own bound). */
        static String name(byte[] p, int[] at) {
            StringBuilder b = new StringBuilder();
            int i = at[0];
            int end = -1;
            for (int hops = 0; ; ) {
                int l = p[i] & 0xFF;
                if ((l & 0xC0) == 0xC0) {
                    int t = ((l & 0x3F) << 8) | (p[i + 1] & 0xFF);
                    if (t >= i || ++hops > 10) {
                        throw new AssertionError("bad pointer at " + i + " to " + t);
                    }
                    if (end < 0) {
                        end = i + 2;
                    }
                    i = t;
                    continue;
                }
                if (l == 0) {
                    at[0] = end < 0 ? i + 1 : end;
                    return b.toString();
                }
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(new String(p, i + 1, l));
                i += 1 + l;
            }
        }
    }

    static int get16(byte[] p, int at) {
        return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    }

    Reply ask(int id, String name, int qtype) {
        assertTrue(w.sendTo(0, DNS, 53, query(id, name, qtype)));
        byte[] got = w.receive(0, 100);
        return got == null ? null : Reply.of(got);
    }

    @Test
    void aRecordsAreAnsweredAuthoritativelyWithTheQuestionCompressed() {
        start();
        Reply r = ask(0x1234, "smtp.example.com", 1);
        assertNotNull(r);
        assertEquals(DNS, w.lastSourceIp);
        assertEquals(53, w.lastSourcePort);
        assertEquals(0x1234, r.id());
        assertEquals(0x8500, r.flags() & 0xFF0F, "QR, AA, RD copied, NOERROR");
        assertEquals("smtp.example.com", r.question());
        assertEquals(List.of(new Answer("smtp.example.com", 1, 120, "192.168.1.10"),
                new Answer("smtp.example.com", 1, 120, "192.168.1.11")), r.answers());
        int firstAnswer = 12 + 18 + 4;
        assertEquals(0xC00C, get16(r.raw(), firstAnswer), "owner is a pointer to the question");
        assertEquals(0x1234, server().recentQueryIds()[0]);
        assertEquals(40000, server().recentSourcePorts()[0]);
        assertEquals("smtp.example.com", server().lastQuestion());
    }

    @Test
    void cnameChainsEndInTheTargetsAddresses() {
        start();
        Reply r = ask(7, "MAIL.Example.com", 1);
        assertEquals(0, r.rcode());
        assertEquals(List.of(new Answer("mail.example.com", 5, 120, "relay.example.com"),
                new Answer("relay.example.com", 5, 120, "smtp.example.com"),
                new Answer("smtp.example.com", 1, 120, "192.168.1.10"),
                new Answer("smtp.example.com", 1, 120, "192.168.1.11")), r.answers());
        Reply cnameOnly = ask(8, "mail.example.com", 5);
        assertEquals(List.of(new Answer("mail.example.com", 5, 120, "relay.example.com")), cnameOnly.answers());
    }

    @Test
    void aCnameLoopInTheRecordsEndsAfterABoundedChain() {
        start();
        Reply r = ask(9, "loop.example.com", 1);
        assertEquals(8, r.answers().size(), "at most 8 links");
    }

    @Test
    void namesOutsideTheRecordsAreNxdomain() {
        start();
        Reply r = ask(10, "nobody.example.com", 1);
        assertEquals(3, r.rcode());
        assertTrue(r.aa());
        assertTrue(r.answers().isEmpty());
        assertEquals(1, server().answers(3));
    }

    @Test
    void aQueryWithTwoQuestionsIsAFormatError() {
        start();
        byte[] q = query(11, "smtp.example.com", 1);
        q[5] = 2;
        assertTrue(w.sendTo(0, DNS, 53, q));
        Reply r = Reply.of(w.receive(0, 100));
        assertEquals(1, r.rcode());
    }

    @ParameterizedTest
    @EnumSource(value = DnsFault.class, names = {"NXDOMAIN", "SERVFAIL", "TRUNCATED"})
    void failureFaultsAnswerWithoutRecords(DnsFault fault) {
        start();
        server().faultNext(fault, 1);
        Reply r = ask(20, "smtp.example.com", 1);
        assertTrue(r.answers().isEmpty(), fault + ": no records");
        assertEquals(20, r.id());
        switch (fault) {
            case NXDOMAIN -> assertEquals(3, r.rcode());
            case SERVFAIL -> assertEquals(2, r.rcode());
            default -> {
                assertTrue(r.tc(), "TC set");
                assertEquals(0, r.rcode());
            }
        }
        assertEquals(2, ask(21, "smtp.example.com", 1).answers().size(), "only the next query had the fault");
    }

    @Test
    void wrongIdFault() {
        start();
        server().fault(DnsFault.WRONG_ID);
        Reply r = ask(0xFFFF, "smtp.example.com", 1);
        assertEquals(0x0000, r.id());
        assertEquals(2, r.answers().size());
    }

    @Test
    void wrongQuestionFault() {
        start();
        server().fault(DnsFault.WRONG_QUESTION);
        Reply r = ask(30, "smtp.example.com", 1);
        assertEquals("wrong.smtp.example.com", r.question());
        assertEquals("wrong.smtp.example.com", r.answers().get(0).owner());
    }

    @Test
    void pointerLoopFaultPutsASelfPointerWhereTheOwnerNameGoes() {
        start();
        server().fault(DnsFault.POINTER_LOOP);
        assertTrue(w.sendTo(0, DNS, 53, query(31, "smtp.example.com", 1)));
        byte[] raw = w.receive(0, 100);
        int at = 12 + 18 + 4;
        assertEquals(1, get16(raw, 6));
        assertEquals(0xC000 | at, get16(raw, at), "pointer to its own offset");
    }

    @Test
    void silentFault() {
        start();
        server().fault(DnsFault.SILENT);
        assertNull(ask(32, "smtp.example.com", 1));
        assertEquals(1, server().queries());
    }

    @Test
    void wrongSourceFaults() {
        start();
        server().faultNext(DnsFault.WRONG_SOURCE_ADDRESS, 1);
        assertEquals(2, ask(33, "smtp.example.com", 1).answers().size());
        assertEquals(ip("192.168.1.54"), w.lastSourceIp);
        assertEquals(53, w.lastSourcePort);
        server().faultNext(DnsFault.WRONG_SOURCE_PORT, 1);
        ask(34, "smtp.example.com", 1);
        assertEquals(DNS, w.lastSourceIp);
        assertEquals(5353, w.lastSourcePort);
    }

    @Test
    void namesItDoesNotHoldAreForwardedToARealServerOnLoopback() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0))) {
            upstream.setSoTimeout(20_000);
            start(b -> b.dnsServer("192.168.1.53", d -> d.forwardTo(upstream.getLocalPort())));
            Thread answerer = new Thread(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    upstream.receive(p);
                    byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    o.writeBytes(q);
                    byte[] reply = o.toByteArray();
                    reply[2] = (byte) 0x81;
                    reply[3] = (byte) 0x80;
                    reply[7] = 1; // ANCOUNT 1
                    o.reset();
                    o.writeBytes(reply);
                    o.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, (byte) 184, (byte) 215, 14});
                    upstream.send(new DatagramPacket(o.toByteArray(), o.size(), p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            answerer.start();
            assertTrue(w.sendTo(0, DNS, 53, query(0x4242, "www.example.org", 1)));
            byte[] got = w.receiveReal(0, 20_000);
            answerer.join(20_000);
            assertNotNull(got, "forwarded answer came back");
            Reply r = Reply.of(got);
            assertEquals(0x4242, r.id());
            assertEquals(DNS, w.lastSourceIp, "from the virtual server's address");
            assertEquals(List.of(new Answer("www.example.org", 1, 60, "93.184.215.14")), r.answers());
            assertEquals(1, server().forwarded());
            assertEquals(2, ask(0x4243, "smtp.example.com", 1).answers().size(), "its own records are not forwarded");
        }
    }

    @Test
    void aQuestionWithASelfOrForwardPointerIsAFormatError() {
        start();
        byte[] self = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertTrue(w.sendTo(0, DNS, 53, self));
        assertEquals(1, Reply.of(w.receive(0, 100)).rcode(), "self pointer");
        byte[] forward = {0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 18, 0, 1, 0, 1, 1, 'a', 0};
        assertTrue(w.sendTo(0, DNS, 53, forward));
        assertEquals(1, Reply.of(w.receive(0, 100)).rcode(), "forward pointer");
        byte[] ok = {0, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 's', 'm', 't', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
            3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
        assertTrue(w.sendTo(0, DNS, 53, ok));
        assertEquals(0, Reply.of(w.receive(0, 100)).rcode(), "a plain name is fine");
    }

    @Test
    void aHeldNameWithoutRecordsOfTheTypeIsAnEmptyAnswerAndAnyGetsTheChain() {
        start();
        Reply aaaa = ask(40, "smtp.example.com", 28);
        assertEquals(0, aaaa.rcode());
        assertTrue(aaaa.answers().isEmpty());
        Reply any = ask(41, "mail.example.com", 255);
        assertEquals(4, any.answers().size());
    }

    @Test
    void moreRecordsThanFitIn512BytesSetTcAndKeepWhatFits() {
        start(b -> b.dnsServer("192.168.1.53", d -> {
            for (int i = 1; i <= 40; i++) {
                d.a("many.example.com", "10.0.0." + i);
            }
        }));
        Reply r = ask(42, "many.example.com", 1);
        assertTrue(r.tc());
        assertTrue(r.raw().length <= 512, r.raw().length + " bytes");
        assertEquals((512 - 12 - 22) / 16, r.answers().size());
        assertEquals("10.0.0.1", r.answers().get(0).data());
    }
}
