package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone simulator's network config: file lines and command-line words. */
class NetworkConfigTest {

    @Test
    void fileFormatDeclaresHostsPortsGatewayAndInboundPeer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("net.conf");
        Files.writeString(file, """
                # the mail server
                host 192.168.1.10 tcp 25=2525 udp 7=7007   # trailing comment
                host 192.168.1.66 silent

                gateway 192.168.1.1
                inbound-peer 192.168.1.77
                arp-reply-ms 3
                """);
        VirtualNetwork net = NetworkConfig.read(file);
        VirtualNetwork.Host h = net.host(VirtualNetwork.parseIpv4("192.168.1.10"));
        assertEquals(2525, h.tcpPorts().get(25));
        assertEquals(7007, h.udpPorts().get(7));
        assertFalse(h.silent());
        assertTrue(net.host(VirtualNetwork.parseIpv4("192.168.1.66")).silent());
        assertTrue(net.hasGateway());
        assertEquals(VirtualNetwork.parseIpv4("192.168.1.1"), net.gateway());
        assertEquals(VirtualNetwork.parseIpv4("192.168.1.77"), net.inboundPeer());
        assertEquals(3_000_000L, net.arpReplyNanos());
    }

    @Test
    void argumentsMeanTheSameAsFileLines() {
        VirtualNetwork net = NetworkConfig.parseArguments(List.of("--host", "10.0.0.5", "--tcp", "80=8080", "--udp",
                "53=5353", "--host", "10.0.0.6", "--silent", "--gateway", "10.0.0.1"));
        assertEquals(8080, net.host(VirtualNetwork.parseIpv4("10.0.0.5")).tcpPorts().get(80));
        assertEquals(5353, net.host(VirtualNetwork.parseIpv4("10.0.0.5")).udpPorts().get(53));
        assertTrue(net.host(VirtualNetwork.parseIpv4("10.0.0.6")).silent());
        assertEquals(VirtualNetwork.parseIpv4("10.0.0.1"), net.gateway());
    }

    @Test
    void badInputNamesTheLineAndTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkConfig.parse(List.of("gateway 10.0.0.1", "host 10.0.0.300 tcp 1=2")));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("host 10.0.0.1 tcp 25")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("host 10.0.0.1 tcp 25=0")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("hots 10.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(List.of("gateway")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parseArguments(List.of("--tcp", "1=2")));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parseArguments(List.of("--host")));
        assertThrows(IllegalStateException.class, () -> VirtualNetwork.builder().tcp(1, 2));
    }

    @Test
    void ipv4ParsingIsStrict() {
        assertEquals(0xC0A8010A, VirtualNetwork.parseIpv4("192.168.1.10"));
        assertEquals("192.168.1.10", VirtualNetwork.formatIpv4(0xC0A8010A));
        for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "a.b.c.d", "1..2.3", "256.1.1.1", "-1.1.1.1", ""}) {
            assertThrows(IllegalArgumentException.class, () -> VirtualNetwork.parseIpv4(bad), bad);
        }
    }
}
