package dev.w5100alert.board.cli;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.BoardStack;
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
 * embedded GreenMail when no port is given).
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
                + "address leads to this port on 127.0.0.1 (default: an embedded GreenMail)")
        Integer smtpPort;

        @Option(names = "--board-clock-offset", paramLabel = "SECONDS", defaultValue = "0",
                description = "with --simulated: start the simulated board's wall clock this many seconds off the true time (negative: "
                        + "behind), as a Pi without RTC after a power cut; network time must correct it before mail goes")
        long boardClockOffset;
    }

    final BoardStack stack;
    private final java.io.Closeable board;
    final GreenMail greenMail;
    private final Path outboxDir;

    private Target(BoardStack stack, java.io.Closeable board, GreenMail greenMail, Path outboxDir) {
        this.stack = stack;
        this.board = board;
        this.greenMail = greenMail;
        this.outboxDir = outboxDir;
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
        GreenMail gm = null;
        int port;
        if (o.smtpPort == null) {
            gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            GreenMailConfiguration c = GreenMailConfiguration.aConfig();
            if (cfg.smtp().hasCredentials()) {
                c = c.withUser(cfg.smtp().sender(), cfg.smtp().username(), cfg.smtp().password());
            }
            gm.withConfiguration(c);
            gm.start();
            port = gm.getSmtp().getPort();
            out.println("(simulated board; " + cfg.smtp().serverText() + ":" + cfg.smtp().port()
                    + " leads to an embedded GreenMail on 127.0.0.1:" + port + ")");
        } else {
            port = o.smtpPort;
            out.println("(simulated board; " + cfg.smtp().serverText() + ":" + cfg.smtp().port()
                    + " leads to 127.0.0.1:" + port + ")");
        }
        SimulatedBoard sim = SimulatedBoard.start(cfg, port, outboxDir, Clock.SYSTEM, log, transcript,
                dev.w5100alert.board.stack.BoardStack.HEALTH_CHECK_NANOS, o.boardClockOffset);
        return new Target(sim.stack, sim, gm, outboxDir);
    }

    @Override
    public void close() throws IOException {
        try {
            board.close();
        } finally {
            if (greenMail != null) {
                greenMail.stop();
            }
            DemoCommand.deleteTree(outboxDir);
        }
    }
}
