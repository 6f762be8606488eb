package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's entry point in a child JVM, as a user runs it: real standard input, real SIGTERM, and the
 * logging set up by {@link Main#main} (not by the test runner).
 */
class ChildProcessCliTest {

    @TempDir
    Path dir;

    Process start(Path stderr, String... args) throws Exception {
        Files.createDirectories(dir.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(stderr.toFile());
        pb.environment().put("W5100_SMTP_PASSWORD", "child-secret");
        return pb.start();
    }

    static int waitFor(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not exit");
        }
        return p.exitValue();
    }

    /** The sample's home-LAN shape: DHCP, the server by name, time from the lease. */
    static final String DHCP = CommandLineHostileTest.PLAIN.replace(", nobody@example.org", "")
            .replace("ip = 192.168.1.50\nsubnet = 255.255.255.0\ngateway = 192.168.1.1\n", "mode = dhcp\n")
            .replace("server = 192.168.1.10", "server = smtp.example.org");

    @Test
    void runSimulatedInDhcpModeLeasesResolvesSetsTheClockAndDelivers() throws Exception {
        assertTrue(DHCP.contains("mode = dhcp") && DHCP.contains("smtp.example.org"), DHCP);
        Path conf = dir.resolve("dhcp.conf");
        Files.writeString(conf, DHCP);
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        gm.start();
        Path log = dir.resolve("dhcp.err");
        try {
            Process p = start(log, "run", "--simulated", "--config", conf.toString(), "--smtp-port",
                    String.valueOf(gm.getSmtp().getPort()), "--board-clock-offset", "-34560000");
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write("door open\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                assertTrue(gm.waitForIncomingEmail(30_000, 1), () -> read(log));
                long dateError = gm.getReceivedMessages()[0].getSentDate().getTime() - System.currentTimeMillis();
                assertTrue(Math.abs(dateError) < 60_000, "Date off by " + dateError + " ms\n" + read(log));
                p.destroy();
                assertEquals(143, waitFor(p), () -> read(log));
            }
        } finally {
            gm.stop();
        }
        String err = read(log);
        assertTrue(err.contains("DHCP lease obtained: 192.168.1.1"), err);
        assertTrue(err.contains("network time set"), err);
        assertTrue(err.contains("alert 1 delivered"), err);
    }

    @Test
    void runSimulatedDeliversWhatStdinTripsAndStopsCleanlyOnSigterm() throws Exception {
        Path conf = dir.resolve("my.conf");
        Files.writeString(conf, CommandLineHostileTest.PLAIN.replace(", nobody@example.org", ""));
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        gm.start();
        Path log = dir.resolve("run.err");
        try {
            Process p = start(log, "run", "--simulated", "--config", conf.toString(), "--smtp-port",
                    String.valueOf(gm.getSmtp().getPort()));
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write("door ajar\nwindow open\ndoor open\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                assertTrue(gm.waitForIncomingEmail(30_000, 1), () -> read(log));
                assertEquals("[door] open", gm.getReceivedMessages()[0].getSubject());
                p.destroy(); // SIGTERM
                // The JVM reports a SIGTERM stop as 143 after the shutdown hooks ran (the unit's SuccessExitStatus).
                assertEquals(143, waitFor(p), () -> read(log));
            }
        } finally {
            gm.stop();
        }
        String err = read(log);
        assertTrue(err.contains("sensor door is 'open' or 'closed', not 'ajar'"), err);
        assertTrue(err.contains("no sensor 'window'; sensors: door"), err);
        assertTrue(err.contains("alert 1 delivered"), err);
        assertTrue(err.contains("stopped cleanly"), err);
        assertTrue(Files.exists(dir.resolve("outbox").resolve("outbox.log")), "the configured outbox directory is used");
        assertFalse(err.contains("child-secret"), err);
    }

    @Test
    void withoutSpiRunDiagnoseAndSendTestShowOnlyTheBoardsOwnMessage() throws Exception {
        assumeFalse(Files.exists(Path.of("/dev/spidev0.0")), "this machine has SPI");
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, Files.readString(Path.of("deploy/w5100-alert.conf"))
                .replace("directory = /var/lib/w5100-alert", "directory = ./outbox"));
        for (String command : List.of("run", "diagnose", "send-test")) {
            Path log = dir.resolve(command + ".err");
            Process p = start(log, command, "--config", conf.toString());
            p.getOutputStream().close();
            assertEquals(ExitCodes.NO_CHIP, waitFor(p), () -> read(log));
            String err = read(log).strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("Is this a Raspberry Pi with SPI enabled"), err);
            assertFalse(err.contains("com.pi4j") || err.contains("Exception"), err);
        }
    }

    @Test
    void theDemoRemovesItsTemporaryOutboxOnSigterm() throws Exception {
        Path conf = dir.resolve("plain.conf");
        Files.writeString(conf, CommandLineHostileTest.PLAIN);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.STALL_AFTER_DATA, Behaviour.STALL_AFTER_DATA,
                Behaviour.STALL_AFTER_DATA)) {
            Path log = dir.resolve("demo.err");
            Process p = start(log, "demo", "--config", conf.toString(), "--smtp-port", String.valueOf(server.port()), "--timeout", "120");
            Path outbox = null;
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("   outbox ")) {
                    outbox = Path.of(line.substring("   outbox ".length()));
                    break;
                }
            }
            assertTrue(outbox != null && Files.isDirectory(outbox), () -> read(log));
            assertTrue(server.stalled.await(30, TimeUnit.SECONDS), "the demo is mid-send");
            p.destroy(); // SIGTERM
            Thread drain = new Thread(() -> r.lines().count());
            drain.setDaemon(true);
            drain.start();
            waitFor(p);
            assertFalse(Files.exists(outbox), outbox + " left behind: " + read(log));
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void sendTestRemovesItsTemporaryOutboxOnSigterm() throws Exception {
        Path conf = dir.resolve("plain.conf");
        Files.writeString(conf, CommandLineHostileTest.PLAIN);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.STALL_AFTER_DATA)) {
            Path log = dir.resolve("send-test.err");
            Process p = start(log, "send-test", "--config", conf.toString(), "--simulated", "--smtp-port",
                    String.valueOf(server.port()));
            Thread drain = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream())).lines().count());
            drain.setDaemon(true);
            drain.start();
            assertTrue(server.stalled.await(30, TimeUnit.SECONDS), () -> read(log));
            try (var s = Files.list(dir.resolve("tmp"))) {
                assertEquals(1, s.filter(f -> f.getFileName().toString().startsWith("w5100-alert-outbox")).count());
            }
            p.destroy(); // SIGTERM
            waitFor(p);
            try (var s = Files.list(dir.resolve("tmp"))) {
                assertEquals(0, s.filter(f -> f.getFileName().toString().startsWith("w5100-alert-outbox")).count(),
                        () -> read(log));
            }
        }
    }
}
