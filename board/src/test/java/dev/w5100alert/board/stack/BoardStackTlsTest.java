package dev.w5100alert.board.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.pki.DemoPki;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SmtpConfig that BoardStack builds (for the Pi and the simulator alike) carries the [smtp] TLS keys. */
class BoardStackTlsTest {

    static final String CONF = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            sender = a@example.org
            recipients = b@example.org
            %s
            [sensor door]
            pin = 17
            """;

    @TempDir
    Path dir;

    SmtpConfig smtp(String extra) throws Exception {
        BoardConfig c = new ConfigParser(k -> null).parse("t.conf", Arrays.asList(CONF.formatted(extra).split("\n")),
                dir, null);
        return BoardStack.smtpConfig(c);
    }

    @Test
    void startTlsWithANameAndTheCaFile() throws Exception {
        DemoPki pki = DemoPki.create(System.currentTimeMillis(), "x.example.test", null);
        Files.writeString(dir.resolve("ca.pem"), pki.caPem());
        TlsPolicy p = smtp("port = 587\ntls-server-name = Mail.Example.Org\nca-file = ca.pem").tls();
        assertEquals(TlsMode.STARTTLS, p.mode());
        assertEquals("mail.example.org", p.serverName(), "normalised for SNI and matching");
        assertFalse(p.defaultTrustStore());
        assertEquals(1, p.trustAnchors().size());
        assertEquals(pki.caCertificate(), p.trustAnchors().iterator().next().getTrustedCert());
    }

    @Test
    void implicitOn465WithTheServersAddressAndTheJdkStore() throws Exception {
        TlsPolicy p = smtp("port = 465").tls();
        assertEquals(TlsMode.IMPLICIT, p.mode());
        assertNull(p.serverName(), "no name: the certificate must carry the IP address");
        assertEquals(0xC0A8010A, p.serverIpv4());
        assertTrue(p.defaultTrustStore());
        assertFalse(p.trustAnchors().isEmpty(), "the JDK's CAs");
    }

    @Test
    void noneIsTheFirmwaresNone() throws Exception {
        assertSame(TlsPolicy.NONE, smtp("port = 25\ntls = none").tls());
    }
}
