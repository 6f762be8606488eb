package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.SensorAlerter;
import dev.w5100alert.board.mail.AlertCheck;
import dev.w5100alert.board.stack.BoardStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a hostile tester found that "config check" accepted and the service then crashed on (or that a
 * strict parser must refuse): each is now a configuration error naming its key and its line.
 */
class ConfigHostileInputTest {

    @TempDir
    Path tmp;

    private final ConfigParser parser = new ConfigParser(Map.of("SMTP_PW", "s3cret")::get);

    ConfigError onlyError(String text) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parser.parse("board.conf", Arrays.asList(text.split("\n", -1)), tmp, null));
        assertEquals(1, e.errors().size(), () -> "expected one error, got " + e.errors());
        return e.errors().get(0);
    }

    static String line(int n, String replacement) {
        return ConfigParserTest.replaceLine(ConfigParserTest.VALID, n, replacement);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // item 2: passed the check, crashed at start-up
                Arguments.of(line(4, "ip = 0.0.0.0"), 4, "network.ip"),
                Arguments.of(line(4, "ip = 255.255.255.255"), 4, "network.ip"),
                Arguments.of(line(9, "server = 0.0.0.0"), 9, "smtp.server"),
                Arguments.of(line(9, "server = 255.255.255.255"), 9, "smtp.server"),
                Arguments.of(line(9, "server = 224.0.0.1"), 9, "smtp.server"),
                Arguments.of(line(9, "server = 192.168.1.50"), 9, "smtp.server"),
                Arguments.of(ConfigParserTest.replaceLine(line(4, "ip = 239.1.2.3"), 6, "gateway = 239.1.2.1"), 4,
                        "network.ip"),
                Arguments.of(line(4, "ip = 192.168.1.255"), 4, "network.ip"),
                Arguments.of(line(4, "ip = 192.168.1.0"), 4, "network.ip"),
                Arguments.of(ConfigParserTest.insertAfter(ConfigParserTest.VALID, 12,
                        "username = pi\u0001x\nallow-plaintext-auth = true\npassword-env = SMTP_PW"), 13, "smtp.username"),
                Arguments.of(ConfigParserTest.insertAfter(ConfigParserTest.VALID, 12,
                        "username = pi\nallow-plaintext-auth = true\npassword = a\u0000b"), 15, "smtp.password"),
                // item 12: looser than strict
                Arguments.of(line(10, "port = +25"), 10, "smtp.port"),
                Arguments.of(line(10, "port = \u0662\u0665"), 10, "smtp.port"),
                Arguments.of(line(10, "port = \uFF12\uFF15"), 10, "smtp.port"),
                Arguments.of(line(10, "port = 025"), 10, "smtp.port"),
                Arguments.of(line(4, "ip = 192.168.001.050"), 4, "network.ip"),
                Arguments.of(line(4, "ip = 192.168.1.\u0665\u0660"), 4, "network.ip"),
                Arguments.of(line(4, "ip = 192.168.1.\uFF15\uFF10"), 4, "network.ip"),
                Arguments.of(line(3, "mac = 00:00:00:00:00:00"), 3, "network.mac"),
                Arguments.of(line(3, "mac = 02:00:5e:10:00:\uFF10\uFF11"), 3, "network.mac"),
                Arguments.of(line(11, "sender = board@exa\u0000mple.org"), 11, "smtp.sender"),
                Arguments.of(line(21, "subject = Door\u0000 {state}"), 21, "sensor.door.subject"),
                Arguments.of(line(18, "debounce = \u0662\u0660ms"), 18, "sensor.door.debounce"),
                Arguments.of(line(18, "debounce = +20ms"), 18, "sensor.door.debounce"),
                Arguments.of(ConfigParserTest.insertAfter(ConfigParserTest.VALID, 7, "[]"), 8, "(section)"),
                // item 1: poison alerts
                Arguments.of(line(19, "active-name = open\\nBcc: x@example.org"), 19, "sensor.door.active-name"),
                Arguments.of(line(21, "subject = " + "S".repeat(250) + " {state}"), 21, "sensor.door.subject"),
                Arguments.of(line(21, "subject = {changes}{changes}{changes}{changes}{changes}"), 21, "sensor.door.subject"),
                Arguments.of(line(22, "body = " + "B".repeat(16 * 1024 - 10) + "{changes}"), 22, "sensor.door.body"),
                Arguments.of(line(19, "active-name = " + "o".repeat(260)), 21, "sensor.door.subject"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void isAnErrorNamingKeyAndLine(String text, int line, String key) {
        ConfigError e = onlyError(text);
        assertEquals(key, e.key(), e::toString);
        assertEquals(line, e.line(), e::toString);
        assertFalse(e.message().contains("Exception"), e::toString);
    }

    @Test
    void aCsvOfTheLongestStatesThatCannotBeAttachedIsAnError() {
        String text = line(19, "active-name = " + "o".repeat(60)).replace("csv-events = 10", "csv-events = 1000");
        ConfigError e = onlyError(text);
        assertEquals("sensor.door.csv-events", e.key(), e::toString);
    }

    @Test
    void theWorstCaseAlertOfAValidConfigurationIsSendableAndTheStackBuilds() throws Exception {
        BoardConfig c = parser.parse("board.conf", Arrays.asList(ConfigParserTest.VALID.split("\n", -1)), tmp, null);
        for (BoardConfig.Sensor s : c.sensors()) {
            var worst = SensorAlerter.worstCase(s);
            assertTrue(worst.body().contains(Integer.MAX_VALUE + " more changes"), worst::body);
            assertNull(new AlertCheck(c.smtp().sender(), "example.org").problem(worst));
        }
        BoardStack.networkConfig(c.network());
        BoardStack.smtpConfig(c);
    }

    @Test
    void aPasswordFileWithANulIsAnErrorWithoutThePassword() throws Exception {
        Path secret = tmp.resolve("pw");
        Files.writeString(secret, "hun\u0000ter2\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ConfigError e = onlyError(ConfigParserTest.insertAfter(ConfigParserTest.VALID, 12,
                "username = pi\nallow-plaintext-auth = true\npassword-file = pw"));
        assertEquals("smtp.password-file", e.key());
        assertEquals(15, e.line());
        assertFalse(e.toString().contains("hun"), e::toString);
    }

    // ---------------------------------------------------------------- files that are not files

    @Test
    void aDeviceIsRefusedWithoutReadingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(Path.of("/dev/zero")));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("fifo.conf");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        // the bound is only a guard against the old behaviour, which blocked in open() for ever
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(ConfigException.class, () -> parser.parse(fifo)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aNulInThePathIsAPlainError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse("/etc/w5100\u0000.conf"));
        assertTrue(e.getMessage().contains("not a usable file name"), e.getMessage());
        assertTrue(e.getMessage().contains("\\x00"), e.getMessage());
    }

    @Test
    void aPasswordFileThatIsADeviceIsAnErrorNamingTheKey() {
        ConfigError e = onlyError(ConfigParserTest.insertAfter(ConfigParserTest.VALID, 12,
                "username = pi\nallow-plaintext-auth = true\npassword-file = /dev/zero"));
        assertEquals("smtp.password-file", e.key());
        assertTrue(e.message().contains("not a regular file"), e::toString);
    }

    @Test
    void aDirectoryIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(tmp));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void anOutboxDirectoryThatIsAFileIsAnErrorNamingTheKey() throws Exception {
        Files.writeString(tmp.resolve("afile"), "x");
        ConfigError e = onlyError(ConfigParserTest.VALID + "\n[outbox]\ndirectory = afile\n");
        assertEquals("outbox.directory", e.key());
        assertEquals(27, e.line(), e::toString);
    }

    // ---------------------------------------------------------------- permission advice

    static final UserPrincipal ROOT = () -> "root";

    @Test
    void theReadmeInstall0640RootServiceGroupIsFine() {
        assertNull(ConfigParser.permissionAdvice(Path.of("/etc/w5100-alert/w5100-alert.conf"),
                PosixFilePermissions.fromString("rw-r-----"), ROOT, "w5100-alert"));
        assertNull(ConfigParser.permissionAdvice(Path.of("/home/pi/my.conf"),
                PosixFilePermissions.fromString("rw-r-----"), () -> "pi", "pi"));
        assertNull(ConfigParser.permissionAdvice(Path.of("/x"), PosixFilePermissions.fromString("rw-------"), ROOT, "root"));
    }

    @Test
    void groupReadableByAnotherGroupIsToldApartFromWorldReadable() {
        Set<PosixFilePermission> group = PosixFilePermissions.fromString("rw-r-----");
        String g = ConfigParser.permissionAdvice(Path.of("/etc/x.conf"), group, ROOT, "adm");
        assertTrue(g.contains("group adm") && g.contains("chgrp w5100-alert"), g);
        assertFalse(g.contains("chmod 600"), g);
        String w = ConfigParser.permissionAdvice(Path.of("/etc/x.conf"), PosixFilePermissions.fromString("rw-r--r--"),
                ROOT, "w5100-alert");
        assertTrue(w.contains("every user") && w.contains("chmod o-rwx"), w);
        assertFalse(w.contains("chmod 600"), w);
    }
}
