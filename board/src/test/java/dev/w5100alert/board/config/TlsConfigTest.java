package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.mail.TlsMessages;
import dev.w5100alert.board.pki.CertificateBuilder;
import dev.w5100alert.board.pki.DemoPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The [smtp] TLS keys: tls, ca-file, tls-server-name; their defaults, and errors that name key and line. */
class TlsConfigTest {

    /** Line 8 is [smtp], line 10 the port; keys added after line 12 start at line 13. */
    static final String BASE = """
            # test board
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1

            [smtp]
            server = 192.168.1.10
            port = %d
            sender = board@example.org
            recipients = ops@example.org
            %s
            [sensor door]
            pin = 17
            """;

    @TempDir
    Path tmp;

    private final ConfigParser parser = new ConfigParser(Map.of("SMTP_PW", "s3cret")::get);

    private BoardConfig parse(int port, String smtpExtra) throws ConfigException {
        String text = BASE.formatted(port, smtpExtra);
        return parser.parse("board.conf", Arrays.asList(text.split("\n", -1)), tmp, null);
    }

    private ConfigError onlyError(int port, String smtpExtra) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(port, smtpExtra));
        assertEquals(1, e.errors().size(), () -> "expected one error, got " + e.errors());
        return e.errors().get(0);
    }

    @ParameterizedTest(name = "port {0} defaults to {1}")
    @MethodSource("defaults")
    void modeDefaultsByPort(int port, BoardConfig.TlsMode expected) throws Exception {
        BoardConfig.TlsSettings t = parse(port, "").smtp().tls();
        assertEquals(expected, t.mode());
        assertNull(t.caFile());
        assertNull(t.trustAnchors(), "no ca-file: the JDK's default trust store");
        assertNull(t.serverName());
    }

    static Stream<Arguments> defaults() {
        return Stream.of(Arguments.of(465, BoardConfig.TlsMode.IMPLICIT), Arguments.of(587, BoardConfig.TlsMode.STARTTLS),
                Arguments.of(25, BoardConfig.TlsMode.STARTTLS), Arguments.of(2525, BoardConfig.TlsMode.STARTTLS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"starttls", "implicit", "none"})
    void explicitModeWins(String value) throws Exception {
        assertEquals(value, parse(2525, "tls = " + value).smtp().tls().mode().configName());
    }

    @Test
    void unknownModeNamesKeyAndLine() {
        ConfigError e = onlyError(587, "tls = ssl");
        assertEquals("smtp.tls", e.key());
        assertEquals(13, e.line());
        assertTrue(e.message().contains("starttls, implicit or none"), e.message());
    }

    @Test
    void credentialsNeedNoPlaintextOptInWithTls() throws Exception {
        BoardConfig c = parse(587, "username = pi\npassword-env = SMTP_PW");
        assertEquals(BoardConfig.TlsMode.STARTTLS, c.smtp().tls().mode());
        assertEquals("pi", c.smtp().username());
    }

    @Test
    void credentialsWithTlsNoneStillNeedThePlaintextOptIn() throws Exception {
        ConfigError e = onlyError(25, "username = pi\npassword-env = SMTP_PW\ntls = none");
        assertEquals("smtp.username", e.key());
        assertEquals(13, e.line());
        assertTrue(e.message().contains("allow-plaintext-auth") && e.message().contains("smtp.tls"), e.message());
        assertEquals(BoardConfig.TlsMode.NONE,
                parse(25, "username = pi\npassword-env = SMTP_PW\ntls = none\nallow-plaintext-auth = true").smtp().tls().mode());
    }

    @Test
    void mismatchedModeAndWellKnownPortWarns() throws Exception {
        BoardConfig c = parse(465, "tls = starttls");
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("smtp.tls = implicit") && w.contains("line 13")),
                c.warnings()::toString);
        assertTrue(parse(587, "tls = implicit").warnings().stream().anyMatch(w -> w.contains("smtp.tls = starttls")));
        assertTrue(parse(587, "tls = starttls").warnings().isEmpty());
    }

    @Test
    void tlsServerNameIsKeptAndIsTheExpectedName() throws Exception {
        BoardConfig.Smtp s = parse(587, "tls-server-name = mail.example.org").smtp();
        assertEquals("mail.example.org", s.tls().serverName());
        assertEquals("mail.example.org", s.tls().expectedName(s.serverText()));
        assertTrue(TlsMessages.describe(s).contains("must carry the name mail.example.org (smtp.tls-server-name)"),
                TlsMessages.describe(s));
    }

    @Test
    void withoutANameAnIpv4ServerMeansTheCertificateMustCarryTheAddress() throws Exception {
        BoardConfig.Smtp s = parse(587, "").smtp();
        assertNull(s.tls().expectedName(s.serverText()));
        assertTrue(TlsMessages.describe(s).contains("must carry the IP address 192.168.1.10"), TlsMessages.describe(s));
    }

    @Test
    void aHostNameServerIsItsOwnExpectedName() {
        // smtp.server does not take host names yet; the defaulting rule is ready for when it does.
        BoardConfig.TlsSettings t = BoardConfig.TlsSettings.defaultsFor(587);
        assertEquals("smtp.example.org", t.expectedName("smtp.example.org"));
        assertNull(t.expectedName("192.0.2.7"));
        BoardConfig.TlsSettings named = new BoardConfig.TlsSettings(BoardConfig.TlsMode.STARTTLS, null, null, List.of(),
                "relay.example.org");
        assertEquals("relay.example.org", named.expectedName("smtp.example.org"));
    }

    @ParameterizedTest(name = "tls-server-name = {0}")
    @ValueSource(strings = {"192.168.1.10", "*.example.org", "mail_1.example.org", "-mail.example.org", "mail..example",
            "mail.example.org."})
    void badServerNamesAreRefused(String value) {
        ConfigError e = onlyError(587, "tls-server-name = " + value);
        assertEquals("smtp.tls-server-name", e.key());
        assertEquals(13, e.line());
    }

    @Test
    void caFileIsLoadedIntoAKeyStore() throws Exception {
        DemoPki a = DemoPki.create(System.currentTimeMillis(), "a.example.test", null);
        DemoPki b = DemoPki.create(System.currentTimeMillis(), "b.example.test", null);
        Files.writeString(tmp.resolve("ca.pem"), "# two private CAs\n" + a.caPem() + "\nsome text between\n" + b.caPem());
        BoardConfig.TlsSettings t = parse(587, "ca-file = ca.pem").smtp().tls();
        assertEquals(tmp.resolve("ca.pem"), t.caFile());
        assertNotNull(t.trustAnchors());
        assertEquals(2, t.trustAnchors().size());
        assertEquals(List.of(a.caCertificate(), b.caCertificate()),
                Collections.list(t.trustAnchors().aliases()).stream().sorted().map(alias -> {
                    try {
                        return (X509Certificate) t.trustAnchors().getCertificate(alias);
                    } catch (java.security.KeyStoreException e) {
                        throw new AssertionError(e);
                    }
                }).toList());
        assertEquals(2, t.caSubjects().size());
    }

    @Test
    void aServersSelfSignedCertificateIsAcceptedAsCaFile() throws Exception {
        CertificateBuilder.Issued self = CertificateBuilder.subject("mail.lan").dns("mail.lan").selfSigned();
        Files.writeString(tmp.resolve("server.pem"), DemoPki.pem(self.certificate()));
        BoardConfig c = parse(587, "ca-file = server.pem");
        assertEquals(1, c.smtp().tls().trustAnchors().size());
        assertTrue(c.warnings().isEmpty(), c.warnings()::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCaFiles")
    void badCaFilesAreErrorsNamingKeyLineAndWhy(String what, byte[] content, String expected) throws Exception {
        if (content != null) {
            Files.write(tmp.resolve("ca.pem"), content);
        }
        ConfigError e = onlyError(587, "ca-file = ca.pem");
        assertEquals("smtp.ca-file", e.key());
        assertEquals(13, e.line());
        assertTrue(e.message().contains(expected), e.message());
        assertTrue(e.toString().startsWith("board.conf:13: smtp.ca-file: "), e.toString());
    }

    static Stream<Arguments> badCaFiles() {
        String good = DemoPki.create(System.currentTimeMillis(), "x.example.test", null).caPem();
        String[] lines = good.split("\n");
        lines[3] = lines[3].substring(0, 10) + "!!!!" + lines[3].substring(14);
        String corrupted = String.join("\n", lines) + "\n";
        // drop the second Base64 line: still Base64, no longer whole DER
        String truncated = good.replace(lines[2] + "\n", "");
        return Stream.of(
                Arguments.of("missing file", null, "does not exist"),
                Arguments.of("empty file", new byte[0], "holds no certificate"),
                Arguments.of("not PEM at all", "hello\n".getBytes(StandardCharsets.US_ASCII), "holds no certificate"),
                Arguments.of("DER instead of PEM", new byte[] {0x30, (byte) 0x82, 0x01, 0x00}, "openssl x509 -inform der"),
                Arguments.of("BEGIN without END", good.substring(0, good.indexOf("-----END")).getBytes(StandardCharsets.US_ASCII),
                        "has no matching -----END CERTIFICATE-----"),
                Arguments.of("bad Base64", corrupted.getBytes(StandardCharsets.US_ASCII), "line 1: the certificate is not valid Base64"),
                Arguments.of("Base64 but not a certificate", truncated.getBytes(StandardCharsets.US_ASCII), "line 1: not a valid X.509 certificate"),
                Arguments.of("only a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                        .getBytes(StandardCharsets.US_ASCII), "holds no certificate"),
                Arguments.of("mismatched END", ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n")
                        .getBytes(StandardCharsets.US_ASCII), "line 3"));
    }

    @Test
    void aPrivateKeyNextToTheCertificateIsWarnedAboutAndIgnored() throws Exception {
        String ca = DemoPki.create(System.currentTimeMillis(), "x.example.test", null).caPem();
        Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n" + ca);
        BoardConfig c = parse(587, "ca-file = ca.pem");
        assertEquals(1, c.smtp().tls().trustAnchors().size());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("smtp.ca-file (line 13)") && w.contains("private key")),
                c.warnings()::toString);
    }

    @Test
    void anExpiredCaIsWarnedAbout() throws Exception {
        long now = System.currentTimeMillis();
        CertificateBuilder.Issued old = CertificateBuilder.subject("old CA").ca()
                .validity(now - 10 * 86_400_000L, now - 86_400_000L).selfSigned();
        Files.writeString(tmp.resolve("ca.pem"), DemoPki.pem(old.certificate()));
        BoardConfig c = parse(587, "ca-file = ca.pem");
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("expired")), c.warnings()::toString);
    }

    @Test
    void caFileAndNameWithTlsNoneAreWarnedToHaveNoEffect() throws Exception {
        Files.writeString(tmp.resolve("ca.pem"), DemoPki.create(System.currentTimeMillis(), "x", null).caPem());
        BoardConfig c = parse(25, "tls = none\nca-file = ca.pem\ntls-server-name = mail.example.org");
        assertEquals(2, c.warnings().stream().filter(w -> w.contains("no effect with smtp.tls = none")).count(),
                c.warnings()::toString);
    }

    @Test
    void configCheckPrintsTheTlsSummary() throws Exception {
        Files.writeString(tmp.resolve("ca.pem"), DemoPki.create(System.currentTimeMillis(), "x", null).caPem());
        BoardConfig.Smtp s = parse(465, "ca-file = ca.pem").smtp();
        String d = TlsMessages.describe(s);
        assertTrue(d.startsWith("TLS: implicit"), d);
        assertTrue(d.contains("1 certificate(s) from " + tmp.resolve("ca.pem")) && d.contains("CN=w5100-alert demo CA"), d);
        assertTrue(TlsMessages.describe(parse(25, "tls = none").smtp()).contains("unencrypted"));
    }
}
