package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.pki.CertificateBuilder;
import dev.w5100alert.board.pki.DemoPki;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.SMTPServer;

/** send-test, diagnose and config check against real TLS servers (SubEthaSMTP) through the simulated chip. */
class TlsCommandsTest {

    static CertificateBuilder.Issued root;
    static CertificateBuilder.Issued server;

    @BeforeAll
    static void pki() {
        root = CertificateBuilder.subject("Test Root CA").ca().selfSigned();
        server = CertificateBuilder.subject("mail.example.test").dns("mail.example.test").signedBy(root);
    }

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("W5100_SMTP_PASSWORD", "pw-Tls-9")::get, args);
    }

    /** Everything printed: the transcript goes to standard output, a failed result to standard error. */
    String out() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** The sample configuration with port, a name and a CA file of our choosing. */
    Path conf(int port, String extra, CertificateBuilder.Issued trusted) throws Exception {
        Files.writeString(dir.resolve("ca.pem"), DemoPki.pem(trusted.certificate()));
        String text = Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("port = 587", "port = " + port + "\n" + extra + "\nca-file = " + dir.resolve("ca.pem"))
                .replace("timeout = 60s", "timeout = 3s");
        Path p = dir.resolve("board.conf");
        Files.writeString(p, text);
        return p;
    }

    static SMTPServer start(boolean implicit) {
        SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("mail.example.test")
                .messageHandler((c, from, to, data) -> { })
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, c) -> { }));
        if (implicit) {
            b.serverSocketFactory(DemoPki.serverContext(server, root.certificate()));
        } else {
            b.enableTLS().requireTLS().startTlsSocketFactory(DemoPki.serverContext(server, root.certificate()));
        }
        SMTPServer s = b.build();
        s.start();
        return s;
    }

    @Test
    void sendTestWithAnUntrustedCertificateSaysWhatToDoAndSendsNoAuth() throws Exception {
        SMTPServer s = start(false);
        try {
            CertificateBuilder.Issued otherRoot = CertificateBuilder.subject("Someone Else's CA").ca().selfSigned();
            int code = run("send-test", "--config", conf(587, "tls-server-name = mail.example.test", otherRoot).toString(),
                    "--simulated", "--smtp-port", String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(ExitCodes.NOT_DELIVERED, code, o);
            assertTrue(o.contains("RESULT: not delivered, TLS failed: the server's certificate is not issued by a CA the board trusts"), o);
            assertTrue(o.contains("smtp.ca-file") && o.contains("CERT_UNTRUSTED"), o);
            assertFalse(o.contains("AUTH"), "no AUTH before or after a refused handshake: " + o + err);
            assertFalse(o.contains("pw-Tls-9"), o);
        } finally {
            s.stop();
        }
    }

    @Test
    void diagnoseFindsImplicitTlsShowsTheChainAndSaysItVerifies() throws Exception {
        SMTPServer s = start(true);
        try {
            int code = run("diagnose", "--config", conf(465, "tls-server-name = mail.example.test", root).toString(),
                    "--simulated", "--smtp-port", String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(0, code, o + err);
            assertTrue(o.contains("the port speaks: implicit TLS"), o);
            assertTrue(o.contains("[0] subject CN=mail.example.test") && o.contains("issuer  CN=Test Root CA"), o);
            assertTrue(o.contains("names   DNS:mail.example.test"), o);
            assertTrue(o.contains("verifies with the current settings: yes"), o);
            assertTrue(o.contains("=== TLS started: TLSv1."), o);
            assertTrue(o.contains("AUTH offered inside TLS"), o);
            assertTrue(o.contains("settings: smtp.tls = implicit fits this port"), o);
        } finally {
            s.stop();
        }
    }

    @Test
    void diagnoseOfAStartTlsPortConfiguredAsImplicitNamesTheSetting() throws Exception {
        SMTPServer s = start(false);
        try {
            int code = run("diagnose", "--config", conf(587, "tls = implicit\ntls-server-name = mail.example.test", root)
                    .toString(), "--simulated", "--smtp-port", String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(ExitCodes.NOT_DELIVERED, code, o);
            assertTrue(o.contains("the port speaks: plain SMTP with STARTTLS"), o);
            assertTrue(o.contains("set smtp.tls = starttls"), o);
            assertTrue(o.contains("verifies with the current settings: yes"), "the certificate itself is fine: " + o);
        } finally {
            s.stop();
        }
    }

    @Test
    void diagnoseOfAWrongNameListsTheNamesTheCertificateCarries() throws Exception {
        SMTPServer s = start(false);
        try {
            int code = run("diagnose", "--config", conf(587, "tls-server-name = smtp.example.test", root).toString(),
                    "--simulated", "--smtp-port", String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(ExitCodes.NOT_DELIVERED, code, o);
            assertTrue(o.contains("verifies with the current settings: no (NAME_MISMATCH)"), o);
            assertTrue(o.contains("does not carry the name the board expects") && o.contains("mail.example.test")
                    && o.contains("smtp.tls-server-name"), o);
        } finally {
            s.stop();
        }
    }

    @Test
    void configCheckShowsTheTlsSettingsOfTheSample() throws Exception {
        int code = run("config", "check", "deploy/w5100-alert.conf");
        assertEquals(0, code, out() + err);
        assertTrue(out().contains("TLS: starttls (STARTTLS before AUTH)"), out());
    }

    @Test
    void tlsNoneAgainstAServerThatWantsStartTlsFirstSaysSetStartTls() throws Exception {
        SMTPServer s = start(false); // AUTH is offered only after STARTTLS
        try {
            int code = run("send-test", "--config", conf(587, "tls = none\nallow-plaintext-auth = true", root).toString(),
                    "--simulated", "--smtp-port", String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(ExitCodes.NOT_DELIVERED, code, o);
            assertTrue(o.contains("RESULT: not delivered, TLS failed: the server requires STARTTLS before AUTH; set smtp.tls = starttls"), o);
            assertFalse(o.contains("smtp.username"), "not a credential problem: " + o);
            assertFalse(o.contains(" -> AUTH"), o);
        } finally {
            s.stop();
        }
    }

    @Test
    void startTlsOnAPortThatExpectsImplicitTlsSaysSo() throws Exception {
        SMTPServer s = start(true);
        try {
            Path c = conf(465, "tls = starttls\ntls-server-name = mail.example.test", root);
            Files.writeString(c, Files.readString(c).replace("timeout = 3s", "timeout = 2s"));
            int code = run("send-test", "--config", c.toString(), "--simulated", "--smtp-port",
                    String.valueOf(s.getPortAllocated()));
            String o = out();
            assertEquals(ExitCodes.NOT_DELIVERED, code, o);
            assertTrue(o.contains("RESULT: not delivered, TLS failed: the port expects implicit TLS") && o.contains("smtp.tls = implicit"), o);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("with port 465"), "config warned already: " + err);
        } finally {
            s.stop();
        }
    }

    @Test
    void sendTestAgainstTheEmbeddedServerSpeaksTheConfiguredImplicitTls() throws Exception {
        Path c = dir.resolve("implicit.conf");
        Files.writeString(c, Files.readString(Path.of("deploy/w5100-alert.conf")).replace("port = 587", "port = 465"));
        int code = run("send-test", "--config", c.toString(), "--simulated");
        String o = out();
        assertEquals(0, code, o + err);
        assertTrue(o.contains("embedded SubEthaSMTP (implicit TLS"), o);
        assertTrue(o.indexOf("=== TLS started: ") < o.indexOf("<~  220 "), o);
        assertTrue(o.contains("RESULT: delivered to 1 recipient(s)"), o);
    }
}
