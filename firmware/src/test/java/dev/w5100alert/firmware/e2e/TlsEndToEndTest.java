package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.smtp.Stage;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.StartTlsSmtpServer;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alerts over TLS to real servers: SubEthaSMTP with STARTTLS and AUTH after TLS only (a submission port), GreenMail's
 * SMTPS for implicit TLS; over java.nio and over the simulated W5100; TLS 1.2 and 1.3; certificates from a test CA
 * trusted the way {@code ca-file} trusts it.
 */
class TlsEndToEndTest {

    static final String HOST = "mail.example.test";
    static final String USER = "alert-user";
    static final String PASSWORD = "tls-Secret-42!";
    static final long NOW = System.currentTimeMillis();
    static final TestPki PKI = new TestPki("E2E", NOW);
    static final TestPki.ServerCert CERT = PKI.server(HOST, NOW - TestPki.DAY, NOW + 30 * TestPki.DAY, HOST);
    static final SmtpTimeouts SHORT = new SmtpTimeouts(20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
            20_000, 20_000, 20_000, 5_000);

    static Stream<Arguments> transportsAndProtocols() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Arguments.of(t, "TLSv1.3"),
                Arguments.of(t, "TLSv1.2")));
    }

    static MailMessage alert(String text) {
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org");
        m.subject().append("[alert] cellar: WATER");
        m.body().append(text);
        return m;
    }

    static SmtpConfig.Builder config(Transport.Stack stack, TlsMode mode) {
        return SmtpConfig.builder().server(stack.serverIp(), stack.serverPort()).heloName("[192.168.1.50]")
                .credentials(USER, PASSWORD).timeouts(SHORT)
                .tls(TlsPolicy.of(mode, PKI.trustStore(), HOST, 0));
    }

    static void assertNoSecret(String transcript) {
        assertFalse(transcript.contains(PASSWORD), "password in transcript");
        byte[] plain = ("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8);
        assertFalse(transcript.contains(java.util.Base64.getEncoder().encodeToString(plain)), "AUTH PLAIN payload");
        assertFalse(transcript.contains(java.util.Base64.getEncoder().encodeToString(
                PASSWORD.getBytes(StandardCharsets.UTF_8))), "base64 password");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndProtocols")
    void alertGoesOverStartTlsWithAuthOnlyInsideTls(Transport transport, String protocol) throws Exception {
        RecordingTranscript transcript = new RecordingTranscript();
        try (StartTlsSmtpServer server = new StartTlsSmtpServer(CERT.serverContext(), USER, PASSWORD, protocol);
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, TlsMode.STARTTLS).build(),
                    transcript, 99);
            String lines = "reading 0123456789 abcdefghij\n".repeat(250); // ~7 KB: several records
            String body = "Water sensor tripped.\n" + lines + "end";
            SendResult r = engine.send(alert(body));

            String t = transcript.toString();
            assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + t);
            assertEquals(1, server.messages().size());
            String data = new String(server.messages().get(0).data(), StandardCharsets.UTF_8);
            assertTrue(data.contains("Subject: [alert] cellar: WATER"), data);
            assertTrue(data.replace("\r\n", "\n").contains(lines + "end"), "body intact");
            assertEquals(java.util.List.of(USER), server.logins());
            // The plain part ends at STARTTLS; everything after the handshake is marked as inside TLS.
            assertTrue(t.contains("-> STARTTLS\n<- 220"), t);
            assertTrue(t.contains("=== TLS started: " + protocol + " TLS_"), t);
            assertTrue(t.contains(", peer CN=" + HOST + ", verified\n ~> EHLO [192.168.1.50]\n<~ 250"), t);
            assertTrue(t.contains(" ~> AUTH PLAIN " + SmtpEngine.REDACTED + "\n<~ 235"), t);
            assertFalse(t.contains("-> AUTH"), "no AUTH in clear: " + t);
            assertNoSecret(t);
            if (stack.sim() != null) {
                assertEquals(0, stack.sim().counters().unhandled(), stack.sim().unhandledLog().toString());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void withTlsNoneTheServerNeedingStartTlsIsNamedNotTheCredentials(Transport transport) throws Exception {
        RecordingTranscript transcript = new RecordingTranscript();
        try (StartTlsSmtpServer server = new StartTlsSmtpServer(CERT.serverContext(), USER, PASSWORD);
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SmtpConfig c = config(stack, TlsMode.NONE).tls(TlsPolicy.NONE).allowPlaintextAuth(true).build();
            SendResult r = new SmtpEngine(stack.link(), Clock.SYSTEM, c, transcript, 1).send(alert("x"));
            assertEquals(Outcome.AUTH_FAILURE, r.outcome(), () -> r + "\n" + transcript);
            assertEquals(FailureCause.STARTTLS_REQUIRED, r.cause());
            assertTrue(r.cause().needsUser());
            assertTrue(r.detail().toString().contains("set smtp.tls = starttls"), r.detail().toString());
            assertTrue(server.logins().isEmpty());
            assertFalse(transcript.toString().contains("AUTH "), transcript.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWrongPasswordInsideTlsIsStillAnAuthenticationFailure(Transport transport) throws Exception {
        RecordingTranscript transcript = new RecordingTranscript();
        try (StartTlsSmtpServer server = new StartTlsSmtpServer(CERT.serverContext(), USER, "other");
                Transport.Stack stack = transport.open(server.port(), Clock.SYSTEM)) {
            SendResult r = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, TlsMode.STARTTLS).build(),
                    transcript, 1).send(alert("x"));
            assertEquals(Outcome.AUTH_FAILURE, r.outcome(), () -> r + "\n" + transcript);
            assertEquals(FailureCause.REPLY, r.cause());
            assertEquals(Stage.AUTH_PLAIN, r.stage());
            assertEquals(535, r.replyCode());
            assertNoSecret(transcript.toString());
        }
    }

    // ---- implicit TLS: GreenMail SMTPS presenting the test CA's certificate ----

    static File greenMailKeyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("greenmail", CERT.keys().getPrivate(), "changeit".toCharArray(), CERT.chain());
        File f = File.createTempFile("smtps", ".p12");
        f.deleteOnExit();
        try (FileOutputStream out = new FileOutputStream(f)) {
            ks.store(out, "changeit".toCharArray());
        }
        return f;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void alertGoesOverImplicitTlsToGreenMailSmtps(Transport transport) throws Exception {
        // GreenMail reads its server key store once per JVM, from these properties.
        System.setProperty("greenmail.tls.keystore.file", greenMailKeyStoreFile().getPath());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        gm.withConfiguration(GreenMailConfiguration.aConfig().withUser("alert@example.org", USER, PASSWORD));
        gm.start();
        RecordingTranscript transcript = new RecordingTranscript();
        try (Transport.Stack stack = transport.open(gm.getSmtps().getPort(), Clock.SYSTEM)) {
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, TlsMode.IMPLICIT).build(),
                    transcript, 5);
            SendResult r = engine.send(alert("implicit TLS from the first byte"));
            String t = transcript.toString();
            assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + t);
            assertTrue(gm.waitForIncomingEmail(10_000, 1));
            MimeMessage got = gm.getReceivedMessages()[0];
            assertEquals("[alert] cellar: WATER", got.getSubject());
            // TLS first, then the greeting, all of it inside TLS.
            assertTrue(t.startsWith("=== connecting\n=== connected\n=== starting TLS\n=== TLS started: "), t);
            assertTrue(t.contains("verified\n<~ 220 "), t);
            assertFalse(t.contains("\n-> "), "nothing in clear: " + t);
            assertNoSecret(t);
        } finally {
            gm.stop();
        }
    }

    private static File keyStoreFile;

    private static synchronized File greenMailKeyStoreFile() throws Exception {
        if (keyStoreFile == null) {
            keyStoreFile = greenMailKeyStore();
        }
        return keyStoreFile;
    }

    @Test
    void implicitTlsToAPlainPortSaysTheServerSpeaksPlainSmtp() throws Exception {
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        gm.start();
        RecordingTranscript transcript = new RecordingTranscript();
        try (Transport.Stack stack = Transport.NIO.open(gm.getSmtp().getPort(), Clock.SYSTEM)) {
            SendResult r = new SmtpEngine(stack.link(), Clock.SYSTEM, config(stack, TlsMode.IMPLICIT).build(),
                    transcript, 5).send(alert("x"));
            assertEquals(Outcome.AUTH_FAILURE, r.outcome(), () -> r + "\n" + transcript);
            assertEquals(FailureCause.TLS_HANDSHAKE_FAILED, r.cause());
            assertEquals(Stage.TLS_HANDSHAKE, r.stage());
            assertTrue(r.detail().toString().contains("set smtp.tls = starttls"), r.detail().toString());
        } finally {
            gm.stop();
        }
    }

    @Test
    void plainModeAgainstAnImplicitTlsPortSaysItExpectsImplicitTls() throws Exception {
        // GreenMail SMTPS waits for a ClientHello: silence after connecting. On 465 that silence means implicit
        // TLS (a TLS server that sends first is caught by its record header: StartTlsHostilePeerTest).
        System.setProperty("greenmail.tls.keystore.file", greenMailKeyStoreFile().getPath());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        gm.start();
        try {
            dev.w5100alert.firmware.testing.VirtualClock clock = new dev.w5100alert.firmware.testing.VirtualClock(
                    () -> true, 50_000_000L);
            // The simulator maps virtual 192.168.1.10:465 to GreenMail's real port.
            dev.w5100alert.sim.VirtualNetwork net = dev.w5100alert.sim.VirtualNetwork.builder()
                    .host(Transport.SIM_SERVER).tcp(465, gm.getSmtps().getPort()).build();
            try (dev.w5100alert.sim.W5100Simulator sim = new dev.w5100alert.sim.W5100Simulator(net, clock::nanoTime)) {
                dev.w5100alert.hal.W5100Driver driver = new dev.w5100alert.hal.W5100Driver(sim,
                        dev.w5100alert.hal.ResetLine.NOT_WIRED, clock);
                driver.bringUp(dev.w5100alert.hal.NetworkConfig.of(0x02_00_00_00_00_01L,
                        dev.w5100alert.hal.Ipv4.of(192, 168, 1, 50), dev.w5100alert.hal.Ipv4.of(255, 255, 255, 0),
                        dev.w5100alert.hal.Ipv4.of(192, 168, 1, 1)));
                dev.w5100alert.firmware.net.W5100TcpLink link = new dev.w5100alert.firmware.net.W5100TcpLink(driver,
                        30_000_000_000L, 0);
                SmtpConfig c = SmtpConfig.builder().server(Transport.SIM_SERVER, 465).heloName("[192.168.1.50]")
                        .credentials(USER, PASSWORD).allowPlaintextAuth(true).timeouts(SHORT).build();
                RecordingTranscript transcript = new RecordingTranscript();
                SendResult r = new SmtpEngine(link, clock, c, transcript, 5).send(alert("x"));
                assertEquals(FailureCause.IMPLICIT_TLS_EXPECTED, r.cause(), () -> r + "\n" + transcript);
                assertEquals(Outcome.AUTH_FAILURE, r.outcome());
                assertEquals(Stage.GREETING, r.stage());
                assertTrue(r.detail().toString().contains("smtp.tls = implicit"), r.detail().toString());
            }
        } finally {
            gm.stop();
        }
    }
}
