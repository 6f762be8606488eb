package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.board.stack.DemoMailServer;
import dev.w5100alert.board.stack.PiBoard;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.firmware.smtp.SmtpTranscript;
import dev.w5100alert.hal.Clock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where {@code send-test} and {@code diagnose} run: the real board (default), or with
 * {@code --simulated} the simulated chip pointed at {@code --smtp-port} on 127.0.0.1 (or at an
 * embedded {@link DemoMailServer} when no port is given, whose demo CA the board then trusts in place of
 * {@code smtp.ca-file}).
 */
final class Target implements AutoCloseable {

    /** The Pi's SPI or GPIO could not be opened (not a Pi, SPI disabled, no permission). */
    static final class HardwareUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HardwareUnavailable(String message) {
            super(message);
        }
    }

    /** The shared options. */
    static final class Options {
        @Option(names = "--simulated", description = "use the simulated W5100 and mock GPIO instead of the Pi's hardware")
        boolean simulated;

        @Option(names = "--smtp-port", paramLabel = "PORT", description = "with --simulated: the configured SMTP server "
                + "address leads to this port on 127.0.0.1 (default: an embedded SMTP server with the configured TLS mode "
                + "and a certificate from a demo CA made at start)")
        Integer smtpPort;

        @Option(names = "--board-clock-offset", paramLabel = "SECONDS", defaultValue = "0",
                description = "with --simulated: start the simulated board's wall clock this many seconds off the true time (negative: "
                        + "behind), as a Pi without RTC after a power cut; network time must correct it before mail goes")
        long boardClockOffset;
    }

    final BoardStack stack;
    private final java.io.Closeable board;
    final DemoMailServer embedded;
    private final Path outboxDir;
    private PrintStream summaryTo;

    private Target(BoardStack stack, java.io.Closeable board, DemoMailServer embedded, Path outboxDir) {
        this.stack = stack;
        this.board = board;
        this.embedded = embedded;
        this.outboxDir = outboxDir;
    }

    /** The configuration the board runs with (with the demo CA as trust anchor against an embedded server). */
    BoardConfig config() {
        return stack.config;
    }

    static Target open(Options o, BoardConfig cfg, Log log, SmtpTranscript transcript, PrintStream out) throws IOException {
        Path outboxDir = Main.tempOutbox(); // tools never touch the service's outbox
        if (!o.simulated) {
            PiBoard pi;
            try {
                pi = PiBoard.open(cfg, outboxDir, Clock.SYSTEM, log, transcript);
            } catch (RuntimeException e) {
                throw new HardwareUnavailable(Main.hardwareProblem(e));
            }
            return new Target(pi.stack, pi, null, outboxDir);
        }
        DemoMailServer embedded = null;
        int port;
        if (o.smtpPort == null) {
            embedded = DemoMailServer.start(cfg.smtp());
            cfg = embedded.boardConfig(cfg);
            port = embedded.port();
            out.println("(simulated board; " + cfg.smtp().serverText() + ":" + cfg.smtp().port()
                    + " leads to an " + embedded.describe() + " on 127.0.0.1:" + port + ")");
        } else {
            port = o.smtpPort;
            out.println("(simulated board; " + cfg.smtp().serverText() + ":" + cfg.smtp().port()
                    + " leads to 127.0.0.1:" + port + ")");
        }
        try {
            SimulatedBoard sim = SimulatedBoard.start(cfg, port, outboxDir, Clock.SYSTEM, log, transcript,
                    dev.w5100alert.board.stack.BoardStack.HEALTH_CHECK_NANOS, o.boardClockOffset);
            Target t = new Target(sim.stack, sim, embedded, outboxDir);
            t.summaryTo = out; // a simulated run ends with the chip's bus figures
            return t;
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (summaryTo != null) {
            summaryTo.println(((SimulatedBoard) board).chipSummary());
        }
        try {
            board.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            DemoCommand.deleteTree(outboxDir);
        }
    }
}
