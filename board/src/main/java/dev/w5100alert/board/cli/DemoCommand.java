package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.PrintTranscript;
import dev.w5100alert.board.mail.TlsMessages;
import dev.w5100alert.board.stack.DemoMailServer;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole stack on this machine with no hardware: the board's own code over {@code w5100-sim},
 * sensors on Pi4J's mock GPIO, and (unless {@code --smtp-port} names another server) an SMTP server embedded on
 * 127.0.0.1 ({@link DemoMailServer}: STARTTLS with a certificate from a CA made for this run, which the board
 * verifies like any other). Bounded by {@code --timeout}; exit 0 only when every alert was delivered.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the board on a simulated W5100 with mock GPIO sensors and an embedded SMTP server "
                + "(SubEthaSMTP, STARTTLS, certificate from a demo CA made at start) on 127.0.0.1, trips the sensors, "
                + "and prints the SMTP transcript and every message received.",
                "With --config the board uses your configuration file (as on the Pi; against the embedded server the "
                        + "demo CA replaces smtp.ca-file); with --smtp-port the configured server address leads to "
                        + "that port on 127.0.0.1 instead, verified with your own TLS settings."},
        footer = ExitCodes.HELP)
final class DemoCommand extends Main.Io implements Callable<Integer> {

    /** The run's closing line ({@link SimulatedBoard#chipSummary()}), printed after everything else. */
    private String chipSummary;

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default: the built-in demo configuration)")
    String config;

    @Option(names = "--smtp-port", paramLabel = "PORT",
            description = "use the SMTP server listening on 127.0.0.1:PORT instead of the embedded one")
    Integer smtpPort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--board-clock-offset", paramLabel = "SECONDS", defaultValue = "0",
            description = "The simulated board: start the simulated board's wall clock this many seconds off the true time (negative: "
                    + "behind), as a Pi without RTC after a power cut; network time must correct it before mail goes")
    long boardClockOffset;

    /** One scripted sensor change: at {@code atMillis} after start, sensor {@code sensor} goes active or not. */
    record Step(long atMillis, int sensor, boolean active) { }

    @Override
    public Integer call() throws Exception {
        checkSimulatedOptions(true, smtpPort, boardClockOffset); // the demo is always on the simulated board
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw usage("--timeout must be from 1 to 86400 seconds, not " + timeoutSeconds);
        }
        String password = "demo-" + HexFormat.of().formatHex(SecureRandom.getSeed(6));
        BoardConfig cfg = config == null ? builtInDemo(password) : load(config);
        if (cfg == null) {
            return ExitCodes.BAD_CONFIG;
        }
        List<Step> script = config == null
                ? List.of(new Step(0, 0, true), new Step(300, 0, false), new Step(600, 0, true), new Step(900, 0, false),
                        new Step(1200, 1, true))
                : everySensorOnce(cfg);

        DemoMailServer server = null;
        Path outboxDir = Main.tempOutbox();
        // SIGTERM or Ctrl-C: stop the scenario and let the finally block below remove the temporary outbox;
        // the hook waits for that (bounded) and removes what is left itself.
        CountDownLatch cleaned = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                cleaned.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(outboxDir);
        }, "w5100-alert-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int port;
            if (smtpPort == null) {
                server = DemoMailServer.start(cfg.smtp());
                cfg = server.boardConfig(cfg);
                port = server.port();
            } else {
                port = smtpPort;
            }
            out.println("== w5100-alert demo");
            out.println("   board " + cfg.network().ipText() + " on a simulated W5100 (w5100-sim), sensors on Pi4J mock GPIO");
            out.println("   SMTP server " + cfg.smtp().serverText() + ":" + cfg.smtp().port() + " in the simulated LAN -> "
                    + (server != null ? server.describe() : "your server") + " on 127.0.0.1:" + port);
            out.println("   " + TlsMessages.describe(cfg.smtp()));
            if (cfg.smtp().hasCredentials() && cfg.smtp().tls().mode() == BoardConfig.TlsMode.NONE) {
                out.println("   AUTH without TLS is allowed by the configuration (allow-plaintext-auth = true): "
                        + "fine for this loopback demo, never across an untrusted network");
            }
            out.println("   outbox " + outboxDir);
            out.println();
            Log log = (level, component, message) -> out.println("[" + level + " " + component + "] " + message);
            int code = runScenario(cfg, port, outboxDir, log, script);
            if (server != null) {
                code = Math.max(code, printReceived(server, code));
            }
            if (chipSummary != null) {
                out.println(chipSummary);
            }
            return code;
        } finally {
            if (server != null) {
                server.close();
            }
            deleteTree(outboxDir);
            cleaned.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it has nothing left to delete
            }
        }
    }

    /** Raised by the shutdown hook (SIGTERM, Ctrl-C). */
    private volatile boolean stop;

    private List<Step> everySensorOnce(BoardConfig cfg) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < cfg.sensors().size(); i++) {
            steps.add(new Step(500L * i, i, true));
        }
        return steps;
    }

    private int runScenario(BoardConfig cfg, int port, Path outboxDir, Log log, List<Step> script) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeoutSeconds * 1_000_000_000L;
        try (SimulatedBoard board = SimulatedBoard.start(cfg, port, outboxDir, Clock.SYSTEM, log,
                new PrintTranscript(out, "   "), dev.w5100alert.board.stack.BoardStack.HEALTH_CHECK_NANOS,
                boardClockOffset)) {
            try {
                board.stack.bringUp();
            } catch (RuntimeException e) {
                err.println("simulated chip did not come up: " + e.getMessage());
                return ExitCodes.NO_CHIP;
            }
            log.info("demo", "W5100 (simulated) up at " + cfg.network().ipText());
            start = System.nanoTime(); // the script's times count from a board that is up
            int next = 0;
            while (System.nanoTime() - deadline < 0 && !stop) {
                long elapsedMs = (System.nanoTime() - start) / 1_000_000L;
                while (next < script.size() && script.get(next).atMillis() <= elapsedMs) {
                    Step s = script.get(next++);
                    BoardConfig.Sensor sensor = cfg.sensors().get(s.sensor());
                    log.info("demo", "mock GPIO " + sensor.pin() + ": sensor " + sensor.name() + " -> "
                            + (s.active() ? sensor.activeName() : sensor.inactiveName()));
                    board.trip(s.sensor(), s.active());
                }
                int work = board.stack.agent.doWork(System.nanoTime());
                if (next == script.size() && work == 0 && board.stack.agent.idle()) {
                    break;
                }
                if (work == 0) {
                    Clock.SYSTEM.idleUntil(board.stack.agent.nextDeadline(System.nanoTime()));
                } else {
                    Clock.SYSTEM.progress();
                }
            }
            long queued = board.stack.agent.queuedCount();
            long delivered = board.stack.agent.deliveredCount();
            int pending = board.stack.outbox.pendingCount();
            boolean ok = next == script.size() && queued > 0 && delivered == queued && pending == 0;
            out.println();
            (ok ? out : err).println("== " + delivered + " of " + queued + " alert(s) delivered"
                    + (pending > 0 ? ", " + pending + " still in the outbox" : "")
                    + (board.stack.agent.failedCount() > 0 ? ", " + board.stack.agent.failedCount() + " failed" : "")
                    + " in " + (System.nanoTime() - start) / 1_000_000L + " ms");
            chipSummary = board.chipSummary();
            return ok ? ExitCodes.OK : ExitCodes.NOT_DELIVERED;
        }
    }

    private int printReceived(DemoMailServer server, int code) throws Exception {
        List<DemoMailServer.Received> received = server.received();
        out.println("== the embedded server received " + received.size() + " message(s)");
        Session session = Session.getInstance(new Properties());
        for (int i = 0; i < received.size(); i++) {
            DemoMailServer.Received r = received.get(i);
            MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(r.data()));
            out.println();
            out.println("--- message " + (i + 1) + " (envelope to " + r.to() + ")");
            for (String h : new String[] {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"}) {
                String v = m.getHeader(h, ", ");
                if (v != null) {
                    out.println(h + ": " + v.replaceAll("\\s+", " "));
                }
            }
            out.println();
            printContent(m);
        }
        if (received.isEmpty() && code == ExitCodes.OK) {
            return ExitCodes.NOT_DELIVERED;
        }
        return ExitCodes.OK;
    }

    private void printContent(Part p) throws Exception {
        Object content = p.getContent();
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                Part part = mp.getBodyPart(i);
                if (part.getFileName() != null) {
                    out.println("[attachment " + part.getFileName() + ", " + part.getContentType().split(";")[0] + "]");
                    out.println(new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8).stripTrailing());
                } else {
                    printContent(part);
                }
            }
        } else {
            out.println(String.valueOf(content).stripTrailing());
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

}
