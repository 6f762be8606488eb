package dev.w5100alert.board.cli;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.mail.PrintTranscript;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.Clock;
import java.time.Instant;
import picocli.CommandLine.Command;


/** Sends one test alert now, bypassing sensors and the outbox, and prints the SMTP transcript. */
@Command(name = "send-test", mixinStandardHelpOptions = true,
        description = {"Sends one test alert now to the configured recipients and prints the swaks-style SMTP transcript.",
                "The test alert bypasses the outbox: it is not stored, not retried, and the service's queued alerts "
                        + "are not touched; the exit code says whether this one send worked.",
                "On the Pi it resets and drives the W5100 itself: stop the service first (systemctl stop w5100-alert)."},
        footer = ExitCodes.HELP)
final class SendTestCommand extends TargetCommand {

    @Override
    int onTarget(BoardConfig cfg) throws Exception {
        Log log = Log.to(err, false);
        try (Target t = Target.open(target, cfg, log, new PrintTranscript(out, ""), out)) {
            try {
                t.stack.bringUp();
            } catch (ChipDetectionException e) {
                err.println(e.getMessage());
                return ExitCodes.NO_CHIP;
            }
            long now = Clock.SYSTEM.epochMillis();
            Alert alert = new Alert(0, "test", now, "[w5100-alert] test alert",
                    "This is a test alert from the board at " + cfg.network().ipText() + ", sent "
                            + Instant.ofEpochMilli(now) + " by `w5100-alert send-test`.",
                    cfg.smtp().recipients(), null, null);
            t.stack.transport.start(alert, System.nanoTime());
            long deadline = System.nanoTime() + cfg.smtp().timeout().toNanos() * 12;
            Delivery d = null;
            while (d == null && System.nanoTime() - deadline < 0) {
                d = t.stack.transport.poll(System.nanoTime());
                if (d == null) {
                    t.stack.clock().idleUntil(t.stack.transport.deadline(System.nanoTime()));
                }
            }
            if (d == null) {
                t.stack.transport.abort();
                out.println("RESULT: no outcome before the deadline");
                return ExitCodes.NOT_DELIVERED;
            }
            out.println("RESULT: " + d.kind() + " - " + d.detail());
            return switch (d.kind()) {
                case DELIVERED -> ExitCodes.OK;
                case TRANSIENT -> d.detail().contains("CONNECT_FAILED") ? ExitCodes.SERVER_UNREACHABLE : ExitCodes.NOT_DELIVERED;
                default -> ExitCodes.NOT_DELIVERED;
            };
        }
    }
}
