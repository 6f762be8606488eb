package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.BoundedFile;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.loop.ServiceLoop;
import dev.w5100alert.board.stack.PiBoard;
import dev.w5100alert.board.stack.DemoMailServer;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service on the Pi: brings the W5100 up, then runs the firmware loop until SIGTERM. On SIGTERM
 * the shutdown hook raises the stop flag and waits for the loop, which finishes the message in flight
 * (or parks it in the outbox after the grace time) and closes the outbox.
 *
 * <p>With {@code --simulated} the same service (the configured outbox directory, retries, chip supervision,
 * SIGTERM handling) runs on the simulated W5100 with mock GPIO, and lines {@code SENSOR STATE} on standard
 * input set the sensors' pins, so a configuration can be tried from a terminal.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the alert service on the Raspberry Pi: W5100 on SPI (spidev, or Pi4J: "
                + "hardware.spi-driver), sensors on GPIO, durable outbox. Logs to stderr (the journal under systemd). Stops cleanly on SIGTERM.",
                "With --simulated: the same service on the simulated W5100 with mock GPIO; type lines "
                        + "'SENSOR STATE' (STATE is the sensor's active-name or inactive-name, e.g. 'door open') to "
                        + "move a sensor. It uses the configured outbox directory."},
        footer = ExitCodes.HELP)
final class RunCommand extends Main.Io implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "default: " + Main.DEFAULT_CONFIG)
    String config = Main.DEFAULT_CONFIG;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "on SIGTERM, how long the message in flight may take to finish (default: ${DEFAULT-VALUE})")
    int graceSeconds;

    @Option(names = "--timestamps", description = "prefix log lines with the time (not needed under systemd)")
    boolean timestamps;

    @Option(names = "--simulated", description = "run on the simulated W5100 with mock GPIO sensors driven from "
            + "standard input instead of the Pi's hardware")
    boolean simulated;

    @Option(names = "--smtp-port", paramLabel = "PORT", description = "with --simulated: the configured SMTP server "
            + "address leads to this port on 127.0.0.1 (default: an embedded SMTP server with the configured TLS mode "
            + "and a certificate from a demo CA made at start)")
    Integer smtpPort;

    @Option(names = "--board-clock-offset", paramLabel = "SECONDS", defaultValue = "0",
            description = "with --simulated: start the simulated board's wall clock this many seconds off the true time (negative: "
                    + "behind), as a Pi without RTC after a power cut; network time must correct it before mail goes")
    long boardClockOffset;

    @Option(names = "--status-port", paramLabel = "PORT", description = "with --simulated: the status page "
            + "([status] port) is also reachable on this port of 127.0.0.1 (0: any free port, shown in the log)")
    Integer statusPort;

    /** Standard input of the simulated mode (tests replace it). */
    InputStream in = System.in;

    @Override
    public Integer call() throws Exception {
        checkSimulatedOptions(simulated, smtpPort, boardClockOffset);
        if (statusPort != null && !simulated) {
            throw usage("--status-port needs --simulated (on the Pi the page is on the board's own address)");
        }
        if (statusPort != null && statusPort != 0) {
            checkPort(statusPort, "--status-port");
        }
        if (graceSeconds < 0 || graceSeconds > 3600) {
            throw usage("--grace must be from 0 to 3600 seconds, not " + graceSeconds);
        }
        BoardConfig cfg = load(config);
        if (cfg == null) {
            return ExitCodes.BAD_CONFIG;
        }
        if (statusPort != null && !cfg.status().enabled()) {
            throw usage("--status-port needs the status page on: set [status] port in " + config);
        }
        Log log = Log.to(err, timestamps);
        return simulated ? runSimulated(cfg, log) : runOnPi(cfg, log);
    }

    private int runOnPi(BoardConfig cfg, Log log) throws IOException {
        PiBoard opened;
        try {
            opened = PiBoard.open(cfg, cfg.outbox().directory(), Clock.SYSTEM, log, null);
        } catch (IOException e) {
            log.error("run", outboxProblem(cfg, e));
            return ExitCodes.BAD_CONFIG;
        } catch (RuntimeException e) {
            log.error("run", Main.hardwareProblem(e));
            return ExitCodes.NO_CHIP;
        }
        try (PiBoard board = opened) {
            try {
                board.stack.bringUp();
            } catch (ChipDetectionException e) {
                log.error("run", e.getMessage() + " - run `w5100-alert diagnose` for details");
                return ExitCodes.NO_CHIP;
            }
            log.info("run", "W5100 up at " + cfg.network().ipText() + "; " + cfg.sensors().size() + " sensor(s); "
                    + board.stack.outbox.pendingCount() + " alert(s) waiting in " + cfg.outbox().directory());
            if (cfg.status().enabled()) {
                log.info("run", "status page on http://" + cfg.network().ipText() + ":" + cfg.status().port()
                        + "/ (one of the W5100's four sockets)");
            }
            ServiceLoop.runUntilShutdown(board.stack.agent, graceSeconds * 1_000_000_000L, log);
            return ExitCodes.OK;
        }
    }

    private int runSimulated(BoardConfig configured, Log log) throws IOException {
        BoardConfig cfg = configured;
        DemoMailServer embedded = null;
        int port;
        if (smtpPort == null) {
            embedded = DemoMailServer.start(configured.smtp());
            cfg = embedded.boardConfig(configured); // its demo CA stands in for smtp.ca-file
            port = embedded.port();
        } else {
            port = smtpPort;
        }
        final BoardConfig used = cfg;
        try {
            SimulatedBoard opened;
            try {
                opened = SimulatedBoard.start(cfg, port, cfg.outbox().directory(), Clock.SYSTEM, log, null,
                        dev.w5100alert.board.stack.BoardStack.HEALTH_CHECK_NANOS, boardClockOffset);
            } catch (IOException e) {
                log.error("run", outboxProblem(cfg, e));
                return ExitCodes.BAD_CONFIG;
            }
            try (SimulatedBoard board = opened) {
                try {
                    board.stack.bringUp();
                } catch (ChipDetectionException e) {
                    log.error("run", "simulated chip did not come up: " + e.getMessage());
                    return ExitCodes.NO_CHIP;
                }
                log.info("run", "simulated W5100 up at " + cfg.network().ipText() + "; SMTP "
                        + cfg.smtp().serverText() + ":" + cfg.smtp().port() + " leads to "
                        + (embedded != null ? "an " + embedded.describe() + " on " : "") + "127.0.0.1:" + port + "; "
                        + board.stack.outbox.pendingCount() + " alert(s) waiting in " + cfg.outbox().directory());
                if (statusPort != null) {
                    int bound = board.bridgeStatus(statusPort, log).port();
                    log.info("run", "status page of the simulated board (chip port " + cfg.status().port()
                            + ") at http://127.0.0.1:" + bound + "/");
                }
                log.info("run", "type 'SENSOR STATE' lines, e.g. '" + example(cfg) + "'; stop with Ctrl-C or SIGTERM");
                Thread reader = new Thread(() -> readSensorLines(in, board, used, log), "w5100-alert-stdin");
                reader.setDaemon(true);
                reader.start();
                ServiceLoop.runUntilShutdown(board.stack.agent, graceSeconds * 1_000_000_000L, log);
                return ExitCodes.OK;
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static String example(BoardConfig cfg) {
        BoardConfig.Sensor s = cfg.sensors().get(0);
        return s.name() + " " + s.activeName();
    }

    /** Longest line taken from standard input; longer lines are refused (and the rest of them skipped). */
    static final int MAX_LINE = 1024;

    /**
     * Reads {@code SENSOR STATE} lines until end of input and drives the mock pins. The state name may contain
     * blanks ("door wide open" is sensor door, state "wide open"). Bad lines are logged and skipped.
     */
    static void readSensorLines(InputStream input, SimulatedBoard board, BoardConfig cfg, Log log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            while ((line = readBoundedLine(r)) != null) {
                String problem = apply(line, board, cfg, log);
                if (problem != null) {
                    log.warn("stdin", problem);
                }
            }
        } catch (IOException e) {
            log.warn("stdin", "standard input " + BoundedFile.describe(e) + "; sensors stay as they are");
        }
    }

    private static String readBoundedLine(BufferedReader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = r.read()) >= 0 && c != '\n') {
            if (sb.length() < MAX_LINE) {
                sb.append((char) c);
            } else {
                tooLong = true;
            }
        }
        if (c < 0 && sb.isEmpty()) {
            return null;
        }
        return tooLong ? "\u0000" : sb.toString();
    }

    /** Applies one line; returns null, or why the line was not understood. */
    static String apply(String raw, SimulatedBoard board, BoardConfig cfg, Log log) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        if (line.indexOf('\u0000') >= 0) {
            return "line longer than " + MAX_LINE + " characters ignored";
        }
        int blank = line.indexOf(' ');
        List<BoardConfig.Sensor> sensors = cfg.sensors();
        String names = String.join(", ", sensors.stream().map(BoardConfig.Sensor::name).toList());
        if (blank < 0) {
            return "expected 'SENSOR STATE', e.g. '" + example(cfg) + "'; sensors: " + names;
        }
        String name = line.substring(0, blank);
        String state = line.substring(blank + 1).strip();
        for (int i = 0; i < sensors.size(); i++) {
            BoardConfig.Sensor s = sensors.get(i);
            if (!s.name().equals(name)) {
                continue;
            }
            boolean active;
            if (state.equals(s.activeName())) {
                active = true;
            } else if (state.equals(s.inactiveName())) {
                active = false;
            } else {
                return "sensor " + name + " is '" + s.activeName() + "' or '" + s.inactiveName() + "', not '"
                        + state + "'";
            }
            log.info("stdin", "mock GPIO " + s.pin() + ": sensor " + name + " -> " + state);
            board.trip(i, active);
            return null;
        }
        return "no sensor '" + name + "'; sensors: " + names;
    }

    private static String outboxProblem(BoardConfig cfg, IOException e) {
        if (e instanceof dev.w5100alert.board.outbox.Outbox.InUseException) {
            return e.getMessage() + "; only one w5100-alert may run on an outbox: stop the other one first "
                    + "(sudo systemctl stop w5100-alert), or give this one its own outbox.directory";
        }
        String what = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            what = "permission denied";
        }
        return "cannot open the outbox in " + cfg.outbox().directory() + " (" + what + "); check outbox.directory "
                + "and that the service user may write there";
    }
}
