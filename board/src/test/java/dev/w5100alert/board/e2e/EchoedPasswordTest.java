package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.cli.Main;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile server that decodes the AUTH payload and echoes the password back, plain and re-encoded, in its
 * replies: nothing of the password may reach send-test's transcript and RESULT line, the service's log lines,
 * the outbox or failed.txt.
 */
class EchoedPasswordTest {

    static final String USER = "alarm";
    static final String PASSWORD = "Tr0ub4dor&3-horse";

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            # a plain test server that echoes: this test is about masking, not TLS
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org, boss@example.org
            username = alarm
            password-env = ECHO_PW
            allow-plaintext-auth = true
            timeout = 10s
            [outbox]
            retry-initial = 60s
            [sensor door]
            pin = 17
            debounce = 10ms
            active-name = open
            inactive-name = closed
            min-interval = 0s
            """;

    enum Mode {
        /** Refuses AUTH with a 535 quoting what it decoded, on both lines of a multi-line reply. */
        AUTH_535,
        /** Takes the message, refuses the second recipient quoting the password, and quotes it in the final 250. */
        ACCEPT_250,
        /** Refuses the message after the dot with a 554 quoting the password. */
        REFUSE_554
    }

    @TempDir
    Path dir;

    /** What the server quotes: the password plain, in the decoded PLAIN payload and in Base64 at each alignment. */
    static String echo(String decodedPayload) {
        String pw = PASSWORD;
        Base64.Encoder b64 = Base64.getEncoder();
        return "you sent [" + decodedPayload.replace('\0', '|') + "] " + pw + " "
                + b64.encodeToString(("k" + pw + "!").getBytes(StandardCharsets.UTF_8)) + " "
                + b64.encodeToString(("ky" + USER + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }

    static final class EchoServer implements AutoCloseable {
        final ServerSocket server;
        final Thread thread;
        final Mode mode;
        volatile boolean closed;

        EchoServer(Mode mode) throws IOException {
            this.mode = mode;
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "echo-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!closed) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(20_000);
                    converse(s);
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                }
            }
        }

        private void converse(Socket s) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            reply(out, "220 echo.test ESMTP");
            String decoded = "";
            int rcpt = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (cmd) {
                    case "EHLO" -> reply(out, "250-echo.test\r\n250 AUTH PLAIN");
                    case "AUTH" -> {
                        decoded = new String(Base64.getDecoder().decode(line.substring("AUTH PLAIN ".length())),
                                StandardCharsets.UTF_8);
                        reply(out, mode == Mode.AUTH_535
                                ? "535-5.7.8 credentials rejected\r\n535 5.7.8 " + echo(decoded)
                                : "235 2.7.0 welcome " + echo(decoded));
                    }
                    case "MAIL" -> reply(out, "250 2.1.0 ok");
                    case "RCPT" -> reply(out, rcpt++ == 0 ? "250 2.1.5 ok" : "550 5.1.1 no such user; " + echo(decoded));
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        String d;
                        while ((d = in.readLine()) != null && !d.equals(".")) {
                            // discard
                        }
                        reply(out, mode == Mode.REFUSE_554 ? "554 5.6.0 refused; " + echo(decoded)
                                : "250-2.0.0 queued\r\n250 2.0.0 thanks, " + echo(decoded));
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        }

        private static void reply(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
        }
    }

    /** The password as is, or any 4 bytes of it inside a Base64 run decoded at any offset; null when clean. */
    static String leak(String text) {
        if (text.contains(PASSWORD)) {
            return "plain password";
        }
        Matcher m = Pattern.compile("[A-Za-z0-9+/]{4,}").matcher(text);
        while (m.find()) {
            String run = m.group();
            for (int off = 0; off < 4; off++) {
                int n = (run.length() - off) / 4 * 4;
                if (n <= 0) {
                    continue;
                }
                String decoded = new String(Base64.getDecoder().decode(run.substring(off, off + n)),
                        StandardCharsets.ISO_8859_1);
                for (int i = 0; i + 4 <= PASSWORD.length(); i++) {
                    if (decoded.contains(PASSWORD.substring(i, i + 4))) {
                        return "'" + run + "' decodes to part of the password";
                    }
                }
            }
        }
        return null;
    }

    @Test
    void theOracleSeesWhatTheServerSends() {
        assertTrue(leak(echo("\0" + USER + "\0" + PASSWORD).replace(PASSWORD, "x")) != null,
                "the Base64 forms alone are caught by the check");
    }

    private String everythingOnDisk() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("outbox"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    private void runService(Mode mode, String expectInLog) throws Exception {
        Log.Recording log = new Log.Recording();
        BoardConfig config = new ConfigParser(Map.of("ECHO_PW", PASSWORD)::get)
                .parse("t.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
        try (EchoServer server = new EchoServer(mode);
             SimulatedBoard board = SimulatedBoard.start(config, server.port(), dir.resolve("outbox"), Clock.SYSTEM,
                     log, null, 200_000_000L)) {
            board.stack.bringUp();
            board.trip(0, true);
            long until = System.nanoTime() + 30_000_000_000L;
            while (!log.contains(expectInLog) && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            String lines = String.join("\n", log.lines());
            assertTrue(log.contains(expectInLog), lines);
            assertNull(leak(lines), lines);
            String disk = everythingOnDisk();
            assertNull(leak(disk), disk);
        }
    }

    @Test
    void anEchoIn535ReachesNeitherTheErrorLineNorTheOutbox() throws Exception {
        runService(Mode.AUTH_535, "SMTP authentication failed");
    }

    @Test
    void anEchoInTheAccepting250AndARefusedRecipientReachesNoLogLine() throws Exception {
        runService(Mode.ACCEPT_250, "recipient(s) refused");
    }

    @Test
    void anEchoInAPermanentRefusalReachesNeitherTheLogNorFailedTxt() throws Exception {
        runService(Mode.REFUSE_554, "554");
        assertTrue(Files.readString(dir.resolve("outbox/failed.txt")).contains("554"));
    }

    @Test
    void sendTestShowsNoEchoInTheTranscriptOrTheResultLine() throws Exception {
        Path conf = dir.resolve("board.conf");
        Files.writeString(conf, CONFIG.replace("retry-initial = 60s", "retry-initial = 60s\ndirectory = " + dir.resolve("outbox")));
        for (Mode mode : Mode.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (EchoServer server = new EchoServer(mode)) {
                Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                        Map.of("ECHO_PW", PASSWORD)::get, "send-test", "--config", conf.toString(), "--simulated",
                        "--smtp-port", String.valueOf(server.port()));
            }
            String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            assertTrue(all.contains("RESULT: "), all);
            assertTrue(all.contains("you sent ["), "the server's text itself is shown: " + all);
            assertNull(leak(all), mode + ":\n" + all);
            assertEquals(-1, all.indexOf(PASSWORD));
        }
    }
}
