package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** diagnose's EHLO probe reads a reply of any length line by line and masks an echoed password. */
class DiagnoseEhloProbeTest {

    static final String PASSWORD = "pr0be-Secret-77";

    /** Answers one connection: greeting, the scripted EHLO reply, 221 to QUIT. */
    private static Thread serveOnce(ServerSocket server, String greeting, String ehlo) {
        Thread t = new Thread(() -> {
            try (Socket c = server.accept()) {
                c.setSoTimeout(20_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream o = c.getOutputStream();
                o.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                o.flush();
                String line;
                while ((line = in.readLine()) != null) {
                    String reply = line.startsWith("EHLO") ? ehlo : line.startsWith("QUIT") ? "221 bye" : "502 no";
                    o.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    if (line.startsWith("QUIT")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the board hung up
            }
        }, "ehlo-probe-smtp");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    /** The sample with tls = none: these servers speak plain SMTP, and the test is about reading their replies. */
    private Path plainConfig() {
        try {
            Path p = dir.resolve("plain.conf");
            java.nio.file.Files.writeString(p, java.nio.file.Files.readString(Path.of("deploy/w5100-alert.conf"))
                    .replace("#tls = starttls", "tls = none")
                    .replace("#allow-plaintext-auth = true", "allow-plaintext-auth = true"));
            return p;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String diagnose(int port, int[] code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        code[0] = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("W5100_SMTP_PASSWORD", PASSWORD)::get, "diagnose", "--config",
                plainConfig().toString(), "--simulated", "--smtp-port", String.valueOf(port));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reads201EhloLinesAndFindsAuthOnTheLastButOne() throws Exception {
        StringBuilder ehlo = new StringBuilder("250-probe.test\r\n");
        for (int i = 0; i < 198; i++) {
            ehlo.append("250-X-EXT-").append(i).append(' ').append("q".repeat(30)).append("\r\n");
        }
        ehlo.append("250-AUTH PLAIN LOGIN\r\n250 HELP");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "220 probe.test ESMTP", ehlo.toString());
            int[] code = new int[1];
            String o = diagnose(server.getLocalPort(), code);
            assertEquals(0, code[0], o);
            assertTrue(o.contains("<- 250-X-EXT-197 qqq"), o);
            assertTrue(o.contains("<- 250 HELP"), o);
            assertTrue(o.contains("EHLO accepted; AUTH offered"), o);
        }
    }

    @Test
    void masksAPasswordTheServerEchoesInItsGreetingAndEhlo() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(("xy" + PASSWORD + "z").getBytes(StandardCharsets.US_ASCII));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "220 hello " + PASSWORD, "250-probe.test " + b64 + "\r\n250 AUTH PLAIN");
            int[] code = new int[1];
            String o = diagnose(server.getLocalPort(), code);
            assertEquals(0, code[0], o);
            assertTrue(o.contains("<- 220 hello ****"), o);
            assertFalse(o.contains(PASSWORD), o);
            assertFalse(o.contains(b64.substring(4, 16)), o);
        }
    }

    @Test
    void namesTheBoundWhenAReplyLineIsTooLong() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "220 probe.test", "250-" + "w".repeat(700) + "\r\n250 AUTH PLAIN");
            int[] code = new int[1];
            String o = diagnose(server.getLocalPort(), code);
            assertEquals(ExitCodes.NOT_DELIVERED, code[0], o);
            assertTrue(o.contains("(reply line over 512 bytes)"), o);
            assertTrue(o.contains("EHLO not accepted"), o);
        }
    }
}
