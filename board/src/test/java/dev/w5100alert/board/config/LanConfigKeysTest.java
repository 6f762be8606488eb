package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.hal.Ipv4;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** [network] mode / dhcp-fallback / dns, smtp.server as a name, [time] ntp / wait-for-time. */
class LanConfigKeysTest {

    private final ConfigParser parser = new ConfigParser(Map.of("W5100_SMTP_PASSWORD", "pw")::get);

    /** Lines 4..6: the network keys; line 8: smtp.server; line 11: [time], 12 its first key. */
    static String file(String network, String server, String time) {
        return "# t\n[network]\nmac = 02:00:5e:10:00:01\n" + network + "\n[smtp]\nserver = " + server + "\n"
                + "sender = board@example.org\nrecipients = ops@example.org\n" + time + "\n"
                + "[sensor door]\npin = 17\n";
    }

    static final String DHCP = "mode = dhcp\n# none\n# none";
    static final String STATIC = "ip = 192.168.1.50\nsubnet = 255.255.255.0\ngateway = 192.168.1.1";

    BoardConfig parse(String text) throws ConfigException {
        return parser.parse("board.conf", Arrays.asList(text.split("\n", -1)), Path.of("."), null);
    }

    @Test
    void dhcpWithANamedServerAndTimeFromTheLeaseByDefault() throws Exception {
        BoardConfig c = parse(file(DHCP, "Smtp.Example.org", ""));
        assertTrue(c.network().dhcp());
        assertNull(c.network().ip());
        assertNull(c.network().dhcpFallback());
        assertTrue(c.smtp().serverIsName());
        assertEquals("smtp.example.org", c.smtp().serverHost(), "names are case-folded");
        assertEquals(BoardConfig.NtpMode.FROM_DHCP, c.time().ntp());
        assertEquals(Duration.ofMinutes(5), c.time().waitForTime());
        assertEquals(0, BoardStack.smtpConfig(c).serverIpv4(), "the engine connects to what DNS found");
    }

    @Test
    void staticKeepsTodaysKeysAndAnAddressLiteralNeedsNoDns() throws Exception {
        BoardConfig c = parse(file(STATIC, "192.168.1.10", ""));
        assertEquals(BoardConfig.AddressMode.STATIC, c.network().mode());
        assertEquals("192.168.1.50", c.network().ipText());
        assertEquals("192.168.1.10", c.smtp().serverHost());
        assertEquals(Ipv4.of(192, 168, 1, 10), Ipv4.of(c.smtp().server()[0] & 0xFF, c.smtp().server()[1] & 0xFF,
                c.smtp().server()[2] & 0xFF, c.smtp().server()[3] & 0xFF));
        assertEquals(BoardConfig.NtpMode.OFF, c.time().ntp(), "static without [time]: the board's clock, as before");
    }

    @Test
    void fallbackNamesAndServersParse() throws Exception {
        BoardConfig c = parse(file("mode = dhcp\ndhcp-fallback = 90s\n" + STATIC + "\ndns = 192.168.1.1, 9.9.9.9",
                "mail.example.net", "[time]\nntp = pool.ntp.org, 192.168.1.1 time.example.org\nwait-for-time = 30s"));
        assertEquals(Duration.ofSeconds(90), c.network().dhcpFallback());
        assertEquals("192.168.1.50", Ipv4.format(Ipv4.of(c.network().ip()[0] & 0xFF, c.network().ip()[1] & 0xFF,
                c.network().ip()[2] & 0xFF, c.network().ip()[3] & 0xFF)));
        assertEquals(2, c.network().dns().size());
        assertEquals(List.of("pool.ntp.org", "192.168.1.1", "time.example.org"), c.time().servers());
        assertEquals(Duration.ofSeconds(30), c.time().waitForTime());
        BoardConfig off = parse(file(DHCP, "mail.example.net", "[time]\nntp = off"));
        assertEquals(BoardConfig.NtpMode.OFF, off.time().ntp());
        BoardConfig staticNamed = parse(file(STATIC + "\ndns = 192.168.1.1", "mail.example.net",
                "[time]\nntp = pool.ntp.org"));
        assertEquals(BoardConfig.NtpMode.SERVERS, staticNamed.time().ntp());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of(file("mode = auto\n#\n#", "smtp.example.org", ""), "network.mode", 4, "not dhcp or static"),
                Arguments.of(file(DHCP.replace("# none\n# none", "ip = 192.168.1.50\n#"), "smtp.example.org", ""),
                        "network.ip", 5, "dhcp-fallback"),
                Arguments.of(file(STATIC + "\ndhcp-fallback = 60s", "192.168.1.10", ""), "network.dhcp-fallback", 7,
                        "only applies with mode = dhcp"),
                Arguments.of(file("mode = dhcp\ndhcp-fallback = soon\n" + STATIC, "192.168.1.10", ""),
                        "network.dhcp-fallback", 5, "not a duration"),
                Arguments.of(file("mode = dhcp\ndhcp-fallback = 60s\n#", "192.168.1.10", ""), "network.ip", 2,
                        "missing"),
                Arguments.of(file(DHCP + "\ndns = 192.168.1.1, nameserver", "smtp.example.org", ""), "network.dns", 7,
                        "not a DNS server's IPv4 address"),
                Arguments.of(file(DHCP + "\ndns = 1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", "smtp.example.org", ""),
                        "network.dns", 7, "at most 3"),
                Arguments.of(file(DHCP, "smtp_example.org", ""), "smtp.server", 8, "neither an IPv4 address"),
                Arguments.of(file(DHCP, "300.1.1.1", ""), "smtp.server", 8, "neither an IPv4 address"),
                Arguments.of(file(DHCP, "-bad-.example.org", ""), "smtp.server", 8, "nor a host name"),
                Arguments.of(file(STATIC, "smtp.example.org", ""), "smtp.server", 8, "set network.dns"),
                Arguments.of(file(STATIC, "192.168.1.10", "[time]\nntp = from-dhcp"), "time.ntp", 12,
                        "from-dhcp needs network.mode = dhcp"),
                Arguments.of(file(STATIC, "192.168.1.10", "[time]\nntp = pool.ntp.org"), "time.ntp", 12,
                        "set network.dns"),
                Arguments.of(file(DHCP, "smtp.example.org", "[time]\nntp = a.org b.org c.org d.org e.org"), "time.ntp",
                        12, "at most 4"),
                Arguments.of(file(DHCP, "smtp.example.org", "[time]\nntp = time!server"), "time.ntp", 12,
                        "neither a time server's name"),
                Arguments.of(file(DHCP, "smtp.example.org", "[time]\nwait-for-time = 2h"), "time.wait-for-time", 12,
                        "between 0s and 1h"),
                Arguments.of(file(DHCP, "smtp.example.org", "[time]\nntp-server = x"), "time.ntp-server", 12,
                        "unknown key"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void everyErrorNamesItsKeyAndLine(String text, String key, int line, String says) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text), text);
        assertTrue(e.errors().stream().anyMatch(x -> x.key().equals(key) && x.line() == line
                && x.toString().contains(says)), () -> text + "\n" + e.errors());
    }

    @Test
    void theSampleConfigUsesDhcpAndANamedServer() throws Exception {
        String sample = Files.readString(Path.of("deploy/w5100-alert.conf"));
        BoardConfig c = parse(sample.replace("directory = /var/lib/w5100-alert", "directory = target/sample-outbox"));
        assertTrue(c.network().dhcp());
        assertTrue(c.smtp().serverIsName());
        assertEquals(BoardConfig.NtpMode.FROM_DHCP, c.time().ntp());
    }
}
