package dev.w5100alert.sim;

import static dev.w5100alert.sim.LanWire.BROADCAST;
import static dev.w5100alert.sim.LanWire.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.sim.lan.DhcpServer.MessageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The net file's dhcp, dns and ntp lines configure services that then answer as declared. */
class LanNetFileTest {

    @Test
    void servicesDeclaredInTheFileAnswer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lan.conf");
        Files.writeString(file, """
                host 192.168.1.10 tcp 25=2525
                dhcp 192.168.1.1 pool 192.168.1.20-192.168.1.29 mask 255.255.255.0 router 192.168.1.254
                dhcp 192.168.1.1 dns 192.168.1.53 ntp 192.168.1.123 domain lan lease 900 t1 400 t2 800 delay-ms 3
                dns 192.168.1.53 a smtp.example.com=192.168.1.10 ttl 60   # same server, more lines add records
                dns 192.168.1.53 cname mail.example.com=smtp.example.com
                ntp 192.168.1.123 offset-ms 7000 stratum 3
                """);
        VirtualClock clock = new VirtualClock();
        try (W5100Simulator sim = new W5100Simulator(NetworkConfig.read(file), clock::nanoTime)) {
            LanWire w = new LanWire(sim, clock).configure(0, 0, 0);
            w.openUdp(0, 68);
            assertTrue(w.sendTo(0, BROADCAST, 67, new DhcpPacket(DhcpPacket.DISCOVER, 5).build()));
            DhcpPacket.Reply offer = DhcpPacket.Reply.of(w.receive(0, 100));
            assertEquals(ip("192.168.1.20"), offer.yiaddr());
            assertEquals(ip("192.168.1.254"), offer.ipOption(3));
            assertEquals(ip("192.168.1.53"), offer.ipOption(6));
            assertEquals(ip("192.168.1.123"), offer.ipOption(42));
            assertEquals(900, offer.ipOption(51));
            assertEquals(400, offer.ipOption(58));
            assertEquals(800, offer.ipOption(59));

            w.address(offer.yiaddr(), ip("255.255.255.0"), ip("192.168.1.254"));
            w.openUdp(1, 40000);
            assertTrue(w.sendTo(1, ip("192.168.1.53"), 53, LanDnsTest.query(1, "mail.example.com", 1)));
            LanDnsTest.Reply dns = LanDnsTest.Reply.of(w.receive(1, 100));
            assertEquals("192.168.1.10", dns.answers().get(1).data());
            assertEquals(60, dns.answers().get(1).ttl());

            long before = System.currentTimeMillis();
            assertTrue(w.sendTo(1, ip("192.168.1.123"), 123, LanNtpTest.request(1000, 0)));
            byte[] ntp = w.receive(1, 100);
            assertEquals(3, ntp[1]);
            long serverMillis = (LanNtpTest.u32(ntp, 40) - LanNtpTest.UNIX_TO_NTP) * 1000;
            assertTrue(serverMillis >= (before + 7000) / 1000 * 1000 && serverMillis <= System.currentTimeMillis() + 7000,
                    "host time + 7 s, got " + serverMillis);
        }
    }

    @Test
    void faultWordsStartTheServersFaulty() {
        VirtualClock clock = new VirtualClock();
        VirtualNetwork net = NetworkConfig.parse(List.of("dhcp 192.168.1.1 silent",
                "dns 192.168.1.53 a x.example=1.2.3.4 fault servfail", "ntp 192.168.1.123 fault kiss-of-death"));
        try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
            LanWire w = new LanWire(sim, clock).configure(ip("192.168.1.50"), ip("255.255.255.0"), ip("192.168.1.1"));
            w.openUdp(0, 68);
            assertTrue(w.sendTo(0, BROADCAST, 67, new DhcpPacket(DhcpPacket.DISCOVER, 5).build()));
            assertNull(w.receive(0, 100));
            assertEquals(1, sim.lan().dhcp().received(MessageType.DISCOVER));
            assertTrue(w.sendTo(0, ip("192.168.1.53"), 53, LanDnsTest.query(1, "x.example", 1)));
            assertEquals(2, LanDnsTest.Reply.of(w.receive(0, 100)).rcode());
            assertTrue(w.sendTo(0, ip("192.168.1.123"), 123, LanNtpTest.request(1000, 0)));
            assertEquals(0, w.receive(0, 100)[1]);
        }
    }

    @Test
    void badServiceLinesNameTheLineAndTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkConfig.parse(List.of("gateway 10.0.0.1", "dhcp 10.0.0.1 lease soon")));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("lease"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NetworkConfig.parse(List.of("dns 10.0.0.53 fault bogus")));
        assertTrue(e.getMessage().contains("pointer-loop"), "lists the known faults: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("dhcp")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("dhcp 10.0.0.1 pool 10.0.0.9")));
        assertThrows(IllegalArgumentException.class,
                () -> NetworkConfig.parse(List.of("dhcp 10.0.0.1 pool 10.0.0.9-10.0.0.2")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("dns 10.0.0.53 a bad..name=1.2.3.4")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("dns 10.0.0.53 a")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("ntp 10.0.0.123 stratum 0")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("ntp 10.0.0.123 colour blue")));
    }
}
