package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that loads the configuration and then works on a target board (the Pi's hardware, or a
 * simulated board with {@code --simulated}): {@code send-test} and {@code diagnose}. Maps a bad file to
 * {@link ExitCodes#BAD_CONFIG} and missing hardware to {@link ExitCodes#NO_CHIP}, the same for both.
 */
abstract class TargetCommand extends Main.Io implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "default: " + Main.DEFAULT_CONFIG)
    String config = Main.DEFAULT_CONFIG;

    @Mixin
    Target.Options target = new Target.Options();

    @Override
    public final Integer call() throws Exception {
        // Option checks first: a bad command line is exit 2 whatever the configuration says.
        checkSimulatedOptions(target.simulated, target.smtpPort, target.boardClockOffset);
        BoardConfig cfg = load(config);
        if (cfg == null) {
            return ExitCodes.BAD_CONFIG;
        }
        try {
            return onTarget(cfg);
        } catch (Target.HardwareUnavailable e) {
            err.println(e.getMessage());
            return ExitCodes.NO_CHIP;
        }
    }

    /** The command's work with a valid configuration; returns the exit code. */
    abstract int onTarget(BoardConfig cfg) throws Exception;
}
