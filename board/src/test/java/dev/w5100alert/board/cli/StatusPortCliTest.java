package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --simulated --status-port PORT}: the simulated board's status page on 127.0.0.1, in a child JVM. */
class StatusPortCliTest {

    static final String CONFIG = CommandLineHostileTest.PLAIN.replace(", nobody@example.org", "")
            + "[status]\nport = 80\n";

    @TempDir
    Path dir;

    @Test
    void theStatusPageOfTheSimulatedServiceIsReachableOnTheGivenPort() throws Exception {
        Path conf = dir.resolve("my.conf");
        Files.writeString(conf, CONFIG);
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        gm.start();
        Path log = dir.resolve("run.err");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--simulated", "--config", conf.toString(), "--smtp-port", String.valueOf(gm.getSmtp().getPort()),
                "--status-port", "0"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile()).start();
        try (OutputStream stdin = p.getOutputStream()) {
            int port = awaitPort(log);
            stdin.write("door open\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            assertTrue(gm.waitForIncomingEmail(30_000, 1), () -> read(log));
            String json = "";
            for (int i = 0; i < 100 && !json.contains("\"delivered\":1"); i++) {
                json = get(port, "/status.json");
                Thread.sleep(50);
            }
            assertTrue(json.startsWith("HTTP/1.1 200 OK\r\n"), json);
            assertTrue(json.contains("\"name\":\"door\",\"state\":\"open\",\"active\":true"), json);
            assertTrue(json.contains("\"delivered\":1"), json);
            assertTrue(get(port, "/nothing").startsWith("HTTP/1.1 404 "));
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
            gm.stop();
        }
    }

    @Test
    void theOptionNeedsSimulatedModeAndTheStatusPageOn() throws Exception {
        Path on = dir.resolve("on.conf");
        Files.writeString(on, CONFIG);
        Path off = dir.resolve("off.conf");
        Files.writeString(off, CommandLineHostileTest.PLAIN);
        assertUsage("--status-port needs --simulated", "run", "--config", on.toString(), "--status-port", "8080");
        assertUsage("--status-port needs the status page on", "run", "--simulated", "--config", off.toString(),
                "--status-port", "8080");
        assertUsage("--status-port must be a TCP port", "run", "--simulated", "--config", on.toString(),
                "--status-port", "70000");
    }

    private void assertUsage(String message, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get, args);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, e);
        assertTrue(e.contains(message), e);
    }

    private static int awaitPort(Path log) throws Exception {
        Pattern url = Pattern.compile("status page of the simulated board \\(chip port 80\\) at http://127\\.0\\.0\\.1:(\\d+)/");
        for (int i = 0; i < 600; i++) {
            Matcher m = url.matcher(read(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no status page line: " + read(log));
    }

    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
