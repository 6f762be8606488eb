package dev.w5100alert.board.cli;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.mail.EngineTransport;
import dev.w5100alert.board.mail.PrintTranscript;
import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            long timeWait = cfg.time().waitForTime().toNanos();
            if (!t.stack.awaitNetwork(Clock.SYSTEM, cfg.smtp().timeout().toNanos() + timeWait, timeWait)) {
                err.print(t.stack.lan.describe(System.nanoTime()));
                err.println("RESULT: not delivered: " + (t.stack.lan.addressed()
                        ? "the mail server's address is not known (DNS)" : "no address from DHCP"));
                return ExitCodes.SERVER_UNREACHABLE;
            }
            if (cfg.network().dhcp() || cfg.smtp().serverIsName() || cfg.time().ntp() != BoardConfig.NtpMode.OFF) {
                for (String line : t.stack.lan.describe(System.nanoTime()).split("\n")) {
                    out.println("(" + line + ")");
                }
            }
            long now = t.stack.wallClock.epochMillis();
            Alert alert = new Alert(0, "test", now, "[w5100-alert] test alert",
                    "This is a test alert from the board at " + dev.w5100alert.hal.Ipv4.format(t.stack.address())
                            + ", sent "
                            + Instant.ofEpochMilli(now) + " by `w5100-alert send-test`.",
                    cfg.smtp().recipients(), null, null);
            t.stack.transport.start(alert, System.nanoTime());
            // A safety net only: the engine's stage deadlines end the send first.
            long deadline = System.nanoTime() + BoardStack.worstCaseSendNanos(cfg.smtp().timeouts(),
                    cfg.smtp().recipients().size(), EngineTransport.LIMITS.maxMessageBytes() / 1024) + 1_000_000_000L;
            Delivery d = null;
            while (d == null && System.nanoTime() - deadline < 0) {
                d = t.stack.transport.poll(System.nanoTime());
                if (d == null) {
                    t.stack.clock().idleUntil(t.stack.transport.deadline(System.nanoTime()));
                }
            }
            if (d == null) {
                t.stack.transport.abort();
                err.println("RESULT: not delivered: no outcome before the deadline");
                return ExitCodes.NOT_DELIVERED;
            }
            int code = exitCode(d);
            (code == ExitCodes.OK ? out : err).println(result(d, cfg.smtp().recipients()));
            return code;
        }
    }

    /** "#1=550" in the engine's detail becomes "bob@example.org (550)". */
    private static String refused(String detail, List<String> recipients) {
        Matcher m = Pattern.compile("#(\\d+)=(\\d+)").matcher(detail);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int i = Integer.parseInt(m.group(1));
            sb.append(sb.isEmpty() ? "" : ", ").append(i < recipients.size() ? recipients.get(i) : "#" + i)
                    .append(" (").append(m.group(2)).append(')');
        }
        return sb.toString();
    }

    static int exitCode(Delivery d) {
        return switch (d.kind()) {
            case DELIVERED -> d.refused() > 0 ? ExitCodes.PARTLY_DELIVERED : ExitCodes.OK;
            case TRANSIENT -> d.detail().contains("CONNECT_FAILED") ? ExitCodes.SERVER_UNREACHABLE : ExitCodes.NOT_DELIVERED;
            default -> ExitCodes.NOT_DELIVERED;
        };
    }

    /** One line that says what happened once ("delivered to 2 recipient(s)", not "DELIVERED - DELIVERED at ..."). */
    static String result(Delivery d, List<String> recipients) {
        String detail = d.detail().replaceFirst("^[A-Z_]+ at ", "at stage ");
        return switch (d.kind()) {
            case DELIVERED -> d.refused() == 0
                    ? "RESULT: delivered to " + recipients.size() + " recipient(s)"
                    : "RESULT: partly delivered: " + d.refused() + " of " + recipients.size() + " recipient(s) refused: "
                            + refused(d.detail(), recipients);
            case TRANSIENT -> "RESULT: not delivered, temporary failure " + detail;
            case PERMANENT -> "RESULT: not delivered, refused for good " + detail;
            case AUTH_FAILED -> "RESULT: not delivered, authentication failed " + detail;
            case TLS_FAILED -> "RESULT: not delivered, TLS failed: " + d.detail();
        };
    }
}
