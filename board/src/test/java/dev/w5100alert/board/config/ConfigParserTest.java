package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

    /** A valid file; line numbers below refer to it (line 1 is the comment). */
    static final String VALID = """
            # test board
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1

            [smtp]
            server = 192.168.1.10
            port = 2525
            sender = board@example.org
            recipients = ops@example.org, me@example.org

            [sensor door]
            pin = 17
            pull = up
            active = low
            debounce = 20ms
            active-name = open
            inactive-name = closed
            subject = Door {state}
            body = {sensor} is {state} at {time}\\n{changes}
            min-interval = 60s
            csv-events = 10
            """;

    @TempDir
    Path tmp;

    private final ConfigParser parser = new ConfigParser(Map.of("SMTP_PW", "s3cret")::get);

    BoardConfig parse(String text) throws ConfigException {
        return parser.parse("board.conf", Arrays.asList(text.split("\n", -1)), tmp, null);
    }

    ConfigError onlyError(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals(1, e.errors().size(), () -> "expected one error, got " + e.errors());
        return e.errors().get(0);
    }

    static String replaceLine(String text, int line, String replacement) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.set(line - 1, replacement);
        return String.join("\n", lines);
    }

    static String insertAfter(String text, int line, String added) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.add(line, added);
        return String.join("\n", lines);
    }

    @Test
    void validFileGivesEveryValue() throws Exception {
        BoardConfig c = parse(VALID);
        assertEquals("192.168.1.50", c.network().ipText());
        assertEquals("192.168.1.10", c.smtp().serverText());
        assertEquals(2525, c.smtp().port());
        assertEquals(List.of("ops@example.org", "me@example.org"), c.smtp().recipients());
        BoardConfig.Sensor door = c.sensors().get(0);
        assertEquals("door", door.name());
        assertEquals(17, door.pin());
        assertFalse(door.activeHigh());
        assertEquals(Duration.ofMillis(20), door.debounce());
        assertEquals("{sensor} is {state} at {time}\n{changes}", door.rule().bodyTemplate());
        assertEquals(c.smtp().recipients(), door.rule().recipients());
        assertEquals(Duration.ofSeconds(60), door.rule().minInterval());
        assertEquals(10, door.rule().csvEvents());
        assertEquals(-1, c.hardware().resetPin());
        assertTrue(c.warnings().isEmpty(), c.warnings()::toString);
    }

    /** Each case: the broken file, the key the error must name, its line, and a fragment of the message. */
    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                Arguments.of("malformed line", replaceLine(VALID, 7, "ip 192.168.1.50"), "network", 7, "expected 'key = value'"),
                Arguments.of("key outside section", "port = 25\n" + VALID, "port", 1, "outside any section"),
                Arguments.of("unknown section", insertAfter(VALID, 25, "[mqtt]"), "mqtt", 26, "unknown section"),
                Arguments.of("unknown key", insertAfter(VALID, 10, "prot = 25"), "smtp.prot", 11, "unknown key"),
                Arguments.of("duplicate key", insertAfter(VALID, 10, "port = 25"), "smtp.port", 11, "first set on line 10"),
                Arguments.of("duplicate section", VALID + "[network]\n", "network", 25, "duplicate section"),
                Arguments.of("missing key", replaceLine(VALID, 9, "# no server"), "smtp.server", 8, "missing"),
                Arguments.of("bad mac", replaceLine(VALID, 3, "mac = 02:00:5e:10:00"), "network.mac", 3, "not a MAC"),
                Arguments.of("multicast mac", replaceLine(VALID, 3, "mac = 01:00:5e:10:00:01"), "network.mac", 3, "multicast"),
                Arguments.of("bad ip", replaceLine(VALID, 4, "ip = 192.168.1.500"), "network.ip", 4, "not an IPv4"),
                Arguments.of("host name as server", replaceLine(VALID, 9, "server = mail.example.org"), "smtp.server", 9, "no DNS"),
                Arguments.of("bad subnet", replaceLine(VALID, 5, "subnet = 255.0.255.0"), "network.subnet", 5, "contiguous"),
                Arguments.of("gateway off subnet", replaceLine(VALID, 6, "gateway = 10.0.0.1"), "network.gateway", 6, "not in the board's subnet"),
                Arguments.of("port out of range", replaceLine(VALID, 10, "port = 70000"), "smtp.port", 10, "between 1 and 65535"),
                Arguments.of("port not a number", replaceLine(VALID, 10, "port = twenty-five"), "smtp.port", 10, "not a whole number"),
                Arguments.of("bad sender", replaceLine(VALID, 11, "sender = board"), "smtp.sender", 11, "not a mailbox"),
                Arguments.of("bad recipient", replaceLine(VALID, 12, "recipients = ops@example.org, <me>"), "smtp.recipients", 12, "not a mailbox"),
                Arguments.of("recipient twice", replaceLine(VALID, 12, "recipients = a@b.org, a@b.org"), "smtp.recipients", 12, "listed twice"),
                Arguments.of("empty value", replaceLine(VALID, 20, "inactive-name ="), "sensor.door.inactive-name", 20, "is empty"),
                Arguments.of("bad sensor name", VALID + "[sensor front door]\n", "sensor", 25, "one name"),
                Arguments.of("pin out of range", replaceLine(VALID, 15, "pin = 40"), "sensor.door.pin", 15, "between 0 and 27"),
                Arguments.of("bad pull", replaceLine(VALID, 16, "pull = sideways"), "sensor.door.pull", 16, "up, down or off"),
                Arguments.of("bad auth mechanism", replaceLine(VALID, 10, "auth = cram-md5"), "smtp.auth", 10, "auto, login or plain"),
                Arguments.of("bad active", replaceLine(VALID, 17, "active = 1"), "sensor.door.active", 17, "high or low"),
                Arguments.of("duration without unit", replaceLine(VALID, 18, "debounce = 20"), "sensor.door.debounce", 18, "unit"),
                Arguments.of("duration too long", replaceLine(VALID, 18, "debounce = 1h"), "sensor.door.debounce", 18, "between 0s and 10s"),
                Arguments.of("unknown placeholder", replaceLine(VALID, 21, "subject = Door {status}"), "sensor.door.subject", 21, "unknown placeholder {status}"),
                Arguments.of("unclosed brace", replaceLine(VALID, 21, "subject = Door {state"), "sensor.door.subject", 21, "unclosed"),
                Arguments.of("bad escape", replaceLine(VALID, 22, "body = a\\tb"), "sensor.door.body", 22, "unknown escape"),
                Arguments.of("bad boolean", insertAfter(VALID, 23, "coalesce = maybe"), "sensor.door.coalesce", 24, "true/false"),
                Arguments.of("pin used twice", VALID + "[sensor window]\npin = 17\n", "sensor.window.pin", 26, "already used by sensor.door.pin"),
                Arguments.of("pin is reset pin", insertAfter(VALID, 13, "[hardware]\nreset-pin = 17"), "sensor.door.pin", 17, "already used by hardware.reset-pin"),
                Arguments.of("spi clock too fast", insertAfter(VALID, 13, "[hardware]\nspi-clock-hz = 20000000"), "hardware.spi-clock-hz", 15, "14000000"),
                Arguments.of("password without user", insertAfter(VALID, 12, "password-env = SMTP_PW\nallow-plaintext-auth = true"), "smtp.password-env", 13, "username is not"),
                Arguments.of("user without password", insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true"), "smtp.username", 13, "no password source"),
                Arguments.of("two password sources", insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-env = SMTP_PW\npassword = x"), "smtp.password", 16, "only one password source"),
                Arguments.of("env unset", insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-env = NOPE"), "smtp.password-env", 15, "NOPE is not set"),
                Arguments.of("password file missing", insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-file = nope.secret"), "smtp.password-file", 15, "does not exist"),
                Arguments.of("auth without plaintext opt-in", insertAfter(VALID, 12, "username = pi\npassword-env = SMTP_PW\ntls = none"), "smtp.username", 13, "allow-plaintext-auth"),
                Arguments.of("retry max below initial", insertAfter(VALID, 13, "[outbox]\nretry-initial = 1m\nretry-max = 10s"), "outbox.retry-max", 16, "shorter"),
                Arguments.of("capacity zero", insertAfter(VALID, 13, "[outbox]\ncapacity = 0"), "outbox.capacity", 15, "between 1 and 100000"),
                Arguments.of("newline in subject", replaceLine(VALID, 21, "subject = a\\nb"), "sensor.door.subject", 21, "line break"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void everyErrorNamesItsKeyLineAndProblem(String kind, String text, String key, int line, String fragment) {
        ConfigError e = onlyError(text);
        assertEquals(key, e.key(), () -> kind + ": " + e);
        assertEquals(line, e.line(), () -> kind + ": " + e);
        assertTrue(e.message().contains(fragment), () -> kind + ": message '" + e.message() + "' lacks '" + fragment + "'");
        assertTrue(e.toString().startsWith("board.conf:" + line + ": " + key + ": "), e::toString);
    }

    @Test
    void authMechanismDefaultsToAutoAndCanBePinned() throws Exception {
        assertEquals(BoardConfig.Auth.AUTO, parse(VALID).smtp().auth());
        assertEquals(BoardConfig.Auth.LOGIN, parse(replaceLine(VALID, 10, "auth = login")).smtp().auth());
        assertEquals(BoardConfig.Auth.PLAIN, parse(replaceLine(VALID, 10, "auth = plain")).smtp().auth());
    }

    @Test
    void missingSectionAndNoSensorAreReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[network]\nmac = 02:00:00:00:00:01\n"
                + "ip = 10.0.0.2\nsubnet = 255.0.0.0\ngateway = 10.0.0.1\n"));
        List<String> keys = e.errors().stream().map(ConfigError::key).toList();
        assertTrue(keys.contains("smtp"), keys::toString);
        assertTrue(keys.contains("sensor"), keys::toString);
    }

    @Test
    void allErrorsAreReportedTogetherInLineOrder() {
        String text = replaceLine(replaceLine(VALID, 10, "port = 0"), 4, "ip = x");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals(List.of(4, 10), e.errors().stream().map(ConfigError::line).toList());
        assertTrue(e.getMessage().contains("board.conf:10: smtp.port"), e.getMessage());
    }

    @Test
    void keysUnderARejectedHeaderAreNotReportedAgain() {
        ConfigError e = onlyError(insertAfter(VALID, 25, "[mqtt]\nbroker = 1.2.3.4\nport = 1883"));
        assertEquals("mqtt", e.key());
    }

    @Test
    void passwordComesFromTheEnvironmentAndNeverShowsInToString() throws Exception {
        BoardConfig c = parse(insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-env = SMTP_PW"));
        assertEquals("s3cret", c.smtp().password());
        assertFalse(c.smtp().toString().contains("s3cret"), c.smtp()::toString);
        assertFalse(c.toString().contains("s3cret"));
    }

    @Test
    void passwordFileReadableByOthersGivesAWarning() throws Exception {
        Path secret = tmp.resolve("smtp.secret");
        Files.writeString(secret, "hunter2\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        BoardConfig c = parse(insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-file = smtp.secret"));
        assertEquals("hunter2", c.smtp().password());
        assertEquals(1, c.warnings().size(), c.warnings()::toString);
        assertTrue(c.warnings().get(0).contains("every user") && c.warnings().get(0).contains("chmod o-rwx"),
                c.warnings()::toString);
        assertFalse(c.warnings().get(0).contains("hunter2"));

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertTrue(parse(insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword-file = smtp.secret"))
                .warnings().isEmpty());
    }

    @Test
    void passwordInAWorldReadableConfigFileIsWarnedAbout() throws Exception {
        Path conf = tmp.resolve("board.conf");
        Files.writeString(conf, insertAfter(VALID, 12, "username = pi\nallow-plaintext-auth = true\npassword = hunter2"));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        BoardConfig c = parser.parse(conf);
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("readable by every user") && w.contains("line 15")),
                c.warnings()::toString);
        assertTrue(c.warnings().stream().noneMatch(w -> w.contains("hunter2")));
    }

    @Test
    void aWrongPasswordNeverAppearsInAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(insertAfter(VALID, 12,
                "username = pi\npassword = hunter2\ntls = none")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void unreadableOrHugeFilesAreErrorsNotCrashes() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class, () -> parser.parse(tmp.resolve("nope.conf")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        assertFalse(missing.getMessage().contains("Exception"), missing.getMessage());
        Path big = tmp.resolve("big.conf");
        Files.write(big, new byte[ConfigParser.MAX_FILE_BYTES + 1]);
        ConfigException huge = assertThrows(ConfigException.class, () -> parser.parse(big));
        assertTrue(huge.getMessage().contains("at most"), huge.getMessage());
        Path bad = tmp.resolve("latin1.conf");
        Files.write(bad, new byte[] {'#', (byte) 0xE9, '\n'});
        ConfigException enc = assertThrows(ConfigException.class, () -> parser.parse(bad));
        assertTrue(enc.getMessage().contains("UTF-8"), enc.getMessage());
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(500), ConfigParser.parseDuration("500ms"));
        assertEquals(Duration.ofDays(3), ConfigParser.parseDuration("3d"));
        assertNull(ConfigParser.parseDuration("30"));
        assertNull(ConfigParser.parseDuration("-3s"));
        assertNull(ConfigParser.parseDuration("3 s"));
    }

    @Test
    void shippedExampleFileIsValid() throws Exception {
        Path example = Path.of("deploy/w5100-alert.conf");
        BoardConfig c = new ConfigParser(Map.of("W5100_SMTP_PASSWORD", "x")::get).parse(example);
        assertFalse(c.sensors().isEmpty());
    }
}
