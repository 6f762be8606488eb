package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "send-test", "diagnose", "config", "config check"})
    void everyCommandHasHelpWithExitCodes(String command) {
        String[] args = (command + " --help").split(" ");
        assertEquals(0, run(Map.of(), args));
        assertTrue(out().startsWith("Usage: w5100-alert " + command), out());
        assertTrue(out().contains("Exit codes:") && out().contains("3  invalid configuration file"), out());
    }

    @Test
    void sendTestHelpSaysItBypassesTheOutbox() {
        assertEquals(0, run(Map.of(), "send-test", "--help"));
        assertTrue(out().contains("bypasses the outbox") && out().contains("stop the service first"), out());
    }

    @Test
    void theSystemdUnitTreatsTheJvmsExitAfterSigtermAsAStopNotAFailure() throws Exception {
        // KillMidSendTest shows the service exits 143 after SIGTERM; without this line systemd marks it failed.
        java.util.List<String> unit = Files.readAllLines(Path.of("deploy/w5100-alert.service"));
        assertTrue(unit.contains("SuccessExitStatus=143"), unit::toString);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run(Map.of(), "demo", "--frobnicate"));
        assertTrue(err().contains("Unknown option"), err());
    }

    @Test
    void configCheckAcceptsTheShippedExample() {
        assertEquals(0, run(Map.of("W5100_SMTP_PASSWORD", "x"), "config", "check", "deploy/w5100-alert.conf"));
        assertTrue(out().startsWith("OK: deploy/w5100-alert.conf (1 sensor(s), SMTP smtp.example.org:587"), out());
    }

    @Test
    void configCheckNamesLineAndKeyAndExitsWith3() throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, Files.readString(Path.of("deploy/w5100-alert.conf")).replace("port = 587", "port = 99999"));
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of("W5100_SMTP_PASSWORD", "x"), "config", "check", bad.toString()));
        int line = Files.readAllLines(bad).indexOf("port = 99999") + 1;
        assertTrue(err().contains("bad.conf:" + line + ": smtp.port: is 99999; must be between 1 and 65535"), err());
        assertEquals("", out());
    }

    @Test
    void runRefusesToStartOnABadFile() throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "[network]\nip = 1.2.3\n");
        assertEquals(ExitCodes.BAD_CONFIG, run(Map.of(), "run", "--config", bad.toString()));
        assertTrue(err().contains("bad.conf:2: network.ip"), err());
    }

    @Test
    void runWithoutTheHardwareSaysWhatIsMissingAndExitsWith4() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("directory = /var/lib/w5100-alert", "directory = " + dir.resolve("outbox")));
        // This machine has no /dev/spidev0.0 (and on a Pi without a W5100 bring-up fails): exit 4 either way.
        assertEquals(ExitCodes.NO_CHIP, run(Map.of("W5100_SMTP_PASSWORD", "x"), "run", "--config", conf.toString()));
        assertTrue(err().contains("cannot open the Pi's SPI/GPIO") || err().contains("W5100 not detected"), err());
    }

    @Test
    void demoDeliversEveryAlertOverStartTlsToTheEmbeddedServerAndPrintsTranscriptAndMessages() {
        int code = run(Map.of(), "demo", "--timeout", "90");
        String o = out();
        assertEquals(0, code, () -> o + err());
        assertTrue(o.matches("(?s).*== 3 of 3 alert\\(s\\) delivered in \\d+ ms\n.*"), o);
        assertTrue(o.contains(" -> STARTTLS\n") && o.contains("<-  220 Ready to start TLS"), o);
        assertTrue(o.contains("=== TLS started: TLSv1."), o);
        assertTrue(o.contains(", peer CN=mail.example.test, verified"), o);
        assertFalse(o.contains(" -> AUTH"), "no AUTH outside TLS: " + o);
        assertTrue(o.contains(" ~> AUTH LOGIN"), "the demo configuration pins AUTH LOGIN, inside TLS: " + o);
        assertTrue(o.contains("<~  235"), "authenticated: " + o);
        assertFalse(o.contains("~> AUTH PLAIN"), o);
        assertTrue(o.contains("== the embedded server received 3 message(s)"), o);
        assertTrue(o.contains("Subject: [alarm] door open"), o);
        assertTrue(o.contains("Subject: [alarm] water sensor: LEAK"), o);
        assertTrue(o.contains(" more change"), "the door's quick changes are coalesced: " + o);
        assertTrue(o.contains("[attachment water-events.csv, text/csv]"), o);
        assertFalse(o.contains("demo-") && o.matches("(?s).*demo-[0-9a-f]{12}.*"), "the demo password is never printed");
        assertTrue(lastLine(o).matches("simulated chip: [1-9][0-9]* SPI frames, [1-9][0-9]* socket commands"), o);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    @Test
    void sendTestOnASimulatedBoardWithIntPinWaitsOnTheSimulatedInterruptLine() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("reset-pin = 25", "reset-pin = 25\nint-pin = 24")
                .replace("directory = /var/lib/w5100-alert", "directory = " + dir.resolve("outbox")));
        int code = run(Map.of("W5100_SMTP_PASSWORD", "pw-for-test"), "send-test", "--config", conf.toString(), "--simulated");
        assertEquals(0, code, () -> out() + err());
        assertTrue(out().contains("RESULT: delivered to 1 recipient(s)"), out());
        assertTrue(lastLine(out()).startsWith("simulated chip: "), out());
    }

    @Test
    void sendTestOnASimulatedBoardPrintsTheTranscriptAndTheResult() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("directory = /var/lib/w5100-alert", "directory = " + dir.resolve("outbox")));
        int code = run(Map.of("W5100_SMTP_PASSWORD", "pw-for-test"), "send-test", "--config", conf.toString(), "--simulated");
        assertEquals(0, code, () -> out() + err());
        assertTrue(out().contains(" ~> RCPT TO:<ops@example.org>"), "inside STARTTLS: " + out());
        // The sample names its server, so the certificate is checked for that name (the demo CA issues it so).
        assertTrue(out().contains(", peer CN=smtp.example.org, verified"), out());
        assertTrue(out().contains("RESULT: delivered to 1 recipient(s)"), out());
        assertTrue(lastLine(out()).matches("simulated chip: [1-9][0-9]* SPI frames, [1-9][0-9]* socket commands"), out());
        assertFalse(out().contains("pw-for-test"));
    }

    @Test
    void sendTestReportsAnUnreachableServerWithExitCode5() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf")).replace("timeout = 60s", "timeout = 5s"));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int code = run(Map.of("W5100_SMTP_PASSWORD", "x"), "send-test", "--config", conf.toString(), "--simulated",
                "--smtp-port", String.valueOf(closedPort));
        assertEquals(ExitCodes.SERVER_UNREACHABLE, code, () -> out() + err());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void diagnoseGivesUpOnAServerThatTricklesAReplyThatNeverEnds() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf")).replace("timeout = 60s", "timeout = 1s"));
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread trickle = new Thread(() -> {
                try (java.net.Socket c = server.accept()) {
                    java.io.OutputStream o = c.getOutputStream();
                    o.write("220-".getBytes(StandardCharsets.US_ASCII));
                    // One byte every 100 ms, never a line end: each read sees data well inside its 1 s timeout,
                    // so only a deadline for the whole reply ends the wait (4096 bytes would take 7 minutes).
                    for (int i = 0; i < 4096 && !server.isClosed(); i++) {
                        o.write('x');
                        o.flush();
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                    }
                } catch (IOException e) {
                    // the test closed the server or the board hung up
                }
            }, "trickle-smtp");
            trickle.setDaemon(true);
            trickle.start();
            int code = run(Map.of("W5100_SMTP_PASSWORD", "trickle-pw"), "diagnose", "--config", conf.toString(), "--simulated",
                    "--smtp-port", String.valueOf(server.getLocalPort()));
            assertEquals(ExitCodes.NOT_DELIVERED, code, () -> out() + err());
            assertTrue(out().contains("<- 220-x"), out());
            assertTrue(out().contains("EHLO not accepted"), out());
        }
    }

    @Test
    void boardClockOffsetIsForTheSimulatedBoardOnlyAndBounded() {
        assertEquals(2, run(Map.of(), "send-test", "--config", "deploy/w5100-alert.conf", "--board-clock-offset", "-60"));
        assertTrue(err().contains("--board-clock-offset needs --simulated"), err());
        assertEquals(2, run(Map.of(), "run", "--config", "deploy/w5100-alert.conf", "--board-clock-offset", "5"));
        assertEquals(2, run(Map.of(), "demo", "--board-clock-offset", "99999999999"));
        assertTrue(err().contains("must be within"), err());
    }

    @Test
    void sendTestWithTheBoardClock400DaysBehindGoesOutAfterNetworkTime() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("directory = /var/lib/w5100-alert", "directory = " + dir.resolve("outbox")));
        int code = run(Map.of("W5100_SMTP_PASSWORD", "pw-for-test"), "send-test", "--config", conf.toString(),
                "--simulated", "--board-clock-offset", "-34560000");
        assertEquals(0, code, () -> out() + err());
        // 400 days = 34,560,000,000 ms, give or take the exchange's few ms
        assertTrue(out().matches("(?s).*\\(clock: network time, offset 34559\\d{6} ms\\).*")
                || out().matches("(?s).*\\(clock: network time, offset 34560\\d{6} ms\\).*"), out());
        assertTrue(out().contains("RESULT: delivered to 1 recipient(s)"), out());
    }

    @Test
    void diagnoseOnASimulatedBoardDumpsRegistersAndProbesEhlo() throws Exception {
        int code = run(Map.of("W5100_SMTP_PASSWORD", "x"), "diagnose", "--config", "deploy/w5100-alert.conf", "--simulated");
        assertEquals(0, code, () -> out() + err());
        String o = out();
        assertTrue(o.contains("OK: W5100 answered"), o);
        assertTrue(o.contains("02 00 5E 10 00 01"), o); // SHAR in the register dump
        // The sample is a DHCP board with a named server: the LAN step shows lease, DNS answer and clock.
        assertTrue(o.contains("lease: 192.168.1.1") && o.contains("router 192.168.1.1"), o);
        assertTrue(o.contains("lease DNS: 192.168.1.53"), o);
        assertTrue(o.matches("(?s).*lease times: \\d+ s; renew in \\d+ s, rebind in \\d+ s, expires in \\d+ s.*"), o);
        assertTrue(o.contains("mail server smtp.example.org: 192.168.1.10"), o);
        assertTrue(o.contains("clock: network time, offset"), o);
        assertTrue(o.contains("CONNECTED"), o);
        assertTrue(o.contains("<- 250-"), o);
        assertTrue(o.contains("AUTH offered"), o);
    }
}
