package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line as a hostile tester drives it: bad values, repeated flags, odd files, partial delivery. */
class CommandLineHostileTest {

    /** A plain configuration without credentials (the scripted server offers no AUTH). */
    static final String PLAIN = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            # a plain test server: these tests are about the command line, not TLS
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org, nobody@example.org
            timeout = 10s
            [outbox]
            directory = outbox
            [sensor door]
            pin = 17
            debounce = 10ms
            active-name = open
            inactive-name = closed
            min-interval = 0s
            """;

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of((Object) new String[] {"demo", "--smtp-port", "0"}),
                Arguments.of((Object) new String[] {"demo", "--smtp-port", "70000"}),
                Arguments.of((Object) new String[] {"demo", "--timeout", "-5"}),
                Arguments.of((Object) new String[] {"demo", "--timeout", "abc"}),
                Arguments.of((Object) new String[] {"demo", "--timeout", "5", "--timeout", "6"}),
                Arguments.of((Object) new String[] {"send-test", "--smtp-port", "25"}),
                Arguments.of((Object) new String[] {"send-test", "--simulated", "--smtp-port", "0"}),
                Arguments.of((Object) new String[] {"send-test", "--simulated", "--simulated"}),
                Arguments.of((Object) new String[] {"diagnose", "--smtp-port", "25", "--smtp-port", "26"}),
                Arguments.of((Object) new String[] {"run", "--smtp-port", "25"}),
                Arguments.of((Object) new String[] {"run", "--simulated", "--smtp-port", "65536"}),
                Arguments.of((Object) new String[] {"run", "--grace", "-1"}),
                Arguments.of((Object) new String[] {"config", "check", "a.conf", "--config", "b.conf"}),
                Arguments.of((Object) new String[] {"config", "check", "--config"}),
                Arguments.of((Object) new String[] {"demo", "--frobnicate"}));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void everyBadValueIsOneLineOnStderrAndExit2(String[] args) {
        assertEquals(ExitCodes.USAGE, run(Map.of(), args), this::err);
        String e = err().strip();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("w5100-alert " + args[0]), e);
        assertFalse(e.contains("picocli") || e.contains("Exception") || e.contains("Usage:") || e.contains("\tat "), e);
        assertEquals("", out());
    }

    @Test
    void configCheckTakesTheFileAsArgumentOrAsOption() throws Exception {
        Path conf = dir.resolve("plain.conf");
        Files.writeString(conf, PLAIN);
        assertEquals(0, run(Map.of(), "config", "check", "--config", conf.toString()), this::err);
        assertTrue(out().startsWith("OK: " + conf), out());
        out.reset();
        assertEquals(0, run(Map.of(), "config", "check", conf.toString()), this::err);
        assertTrue(out().startsWith("OK: " + conf), out());
    }

    @Test
    void aNulInTheConfigPathIsAPlainErrorWithExit3() {
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of(), "config", "check", "my\u0000.conf"));
        assertTrue(err().contains("my\\x00.conf:0: (file): is not a usable file name"), err());
        assertFalse(err().contains("Exception"), err());
        err.reset();
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of(), "run", "--config", "my\u0000.conf"));
        assertFalse(err().contains("Exception"), err());
    }

    @Test
    void configCheckRefusesADeviceWithExit3() {
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of(), "config", "check", "/dev/zero"));
        assertTrue(err().contains("not a regular file"), err());
    }

    @Test
    void aMissingFileSaysSoInWords() {
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of(), "config", "check", dir.resolve("nope.conf").toString()));
        assertTrue(err().contains("no such file"), err());
        assertFalse(err().contains("NoSuchFileException"), err());
    }

    @Test
    void configExamplePrintsTheShippedSampleAndItPassesTheCheck() throws Exception {
        assertEquals(0, run(Map.of(), "config", "example"));
        assertEquals(Files.readString(Path.of("deploy/w5100-alert.conf")), out());
        Path mine = dir.resolve("mine.conf");
        Files.writeString(mine, out().replace("directory = /var/lib/w5100-alert", "directory = ./outbox"));
        out.reset();
        assertEquals(0, run(Map.of("W5100_SMTP_PASSWORD", "x"), "config", "check", "--config", mine.toString()), this::err);
    }

    @Test
    void partialDeliveryHasItsOwnExitCodeAndSaysWhoWasRefused() throws Exception {
        Path conf = dir.resolve("plain.conf");
        Files.writeString(conf, PLAIN);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.RCPT_550_NOBODY)) {
            int code = run(Map.of(), "send-test", "--config", conf.toString(), "--simulated", "--smtp-port",
                    String.valueOf(server.port()));
            assertEquals(ExitCodes.PARTLY_DELIVERED, code, () -> out() + err());
            assertTrue(err().contains("RESULT: partly delivered: 1 of 2 recipient(s) refused: nobody@example.org (550)"),
                    err());
            assertEquals(1, server.received().size());
        }
    }

    @Test
    void aRefusedSendIsOneResultLineOnStderrThatDoesNotRepeatItself() throws Exception {
        Path conf = dir.resolve("plain.conf");
        Files.writeString(conf, PLAIN);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.RCPT_550)) {
            int code = run(Map.of(), "send-test", "--config", conf.toString(), "--simulated", "--smtp-port",
                    String.valueOf(server.port()));
            assertEquals(ExitCodes.NOT_DELIVERED, code, () -> out() + err());
            String result = err().lines().filter(l -> l.startsWith("RESULT:")).findFirst().orElseThrow();
            assertTrue(result.startsWith("RESULT: not delivered, refused for good at stage "), result);
            assertFalse(result.contains("PERMANENT_FAILURE"), result);
            assertFalse(out().contains("RESULT:"), out());
        }
    }
}
