package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.loop.ServiceLoop;
import dev.w5100alert.board.stack.PiBoard;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.Clock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service on the Pi: brings the W5100 up, then runs the firmware loop until SIGTERM. On SIGTERM
 * the shutdown hook raises the stop flag and waits for the loop, which finishes the message in flight
 * (or parks it in the outbox after the grace time) and closes the outbox.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the alert service on the Raspberry Pi: W5100 on SPI via Pi4J (linuxfs), sensors on "
                + "GPIO, durable outbox. Logs to stderr (the journal under systemd). Stops cleanly on SIGTERM."},
        footer = ExitCodes.HELP)
final class RunCommand extends Main.Io implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "default: " + Main.DEFAULT_CONFIG)
    Path config = Path.of(Main.DEFAULT_CONFIG);

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "on SIGTERM, how long the message in flight may take to finish (default: ${DEFAULT-VALUE})")
    int graceSeconds;

    @Option(names = "--timestamps", description = "prefix log lines with the time (not needed under systemd)")
    boolean timestamps;

    @Override
    public Integer call() throws Exception {
        BoardConfig cfg = load(config);
        if (cfg == null) {
            return ExitCodes.BAD_CONFIG;
        }
        Log log = Log.to(err, timestamps);
        PiBoard opened;
        try {
            opened = PiBoard.open(cfg, cfg.outbox().directory(), Clock.SYSTEM, log, null);
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
            ServiceLoop.runUntilShutdown(board.stack.agent, graceSeconds * 1_000_000_000L, log);
            return ExitCodes.OK;
        }
    }
}
