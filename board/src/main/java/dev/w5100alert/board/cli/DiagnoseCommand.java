package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.TlsMessages;
import dev.w5100alert.board.stack.RegisterDump;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.ConnectOutcome;
import picocli.CommandLine.Command;

/**
 * Step-by-step check of the chain from SPI to the mail server: chip detection with the driver's
 * diagnosis, a register dump, TCP reachability of the SMTP server (ARP, refused, timeout), and a probe
 * ({@link SmtpProbe}) of what the port speaks (implicit TLS, STARTTLS, plain), the server's certificate
 * chain and whether it verifies with the current settings, and its EHLO capabilities. Sends no mail.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Checks the SPI wiring (chip detection with diagnosis), dumps the W5100 registers, tests "
                + "ARP/TCP reachability of the SMTP server, finds out whether the port speaks implicit TLS, STARTTLS or "
                + "plain SMTP, shows the server's certificate chain and whether it verifies with the current settings, "
                + "and probes its EHLO capabilities. Sends no mail."},
        footer = ExitCodes.HELP)
final class DiagnoseCommand extends TargetCommand {

    @Override
    int onTarget(BoardConfig configured) throws Exception {
        try (Target t = Target.open(target, configured, Log.to(err, false), null, out)) {
            BoardConfig cfg = t.config(); // against an embedded server: its demo CA in place of ca-file
            out.println("1. SPI and chip detection (bus " + cfg.hardware().spiBus() + ", CS " + cfg.hardware().spiChipSelect()
                    + ", " + cfg.hardware().spiClockHz() + " Hz, reset pin "
                    + (cfg.hardware().resetPin() < 0 ? "not wired" : "BCM " + cfg.hardware().resetPin()) + ")");
            try {
                t.stack.bringUp();
                out.println("   OK: W5100 answered, reset and configured as " + cfg.network().ipText() + " ("
                        + Ipv4.formatMac(cfg.network().mac()) + ")");
            } catch (ChipDetectionException e) {
                out.println("   FAILED: " + e.getMessage());
                out.println("   diagnosis: " + e.diagnosis() + " - " + e.diagnosis().advice());
                out.println("   registers as read:");
                out.print(indent(RegisterDump.of(t.stack.driver)));
                return ExitCodes.NO_CHIP;
            }
            out.println("2. Register dump");
            out.print(indent(RegisterDump.of(t.stack.driver)));

            out.println("3. TCP to the SMTP server " + cfg.smtp().serverText() + ":" + cfg.smtp().port());
            SmtpProbe probe = new SmtpProbe(t.stack.driver, cfg, out);
            ConnectOutcome o = probe.connect();
            out.println("   " + o + ": " + explain(o));
            if (o != ConnectOutcome.CONNECTED) {
                return ExitCodes.SERVER_UNREACHABLE;
            }
            out.println("4. What the port speaks (implicit TLS, STARTTLS or plain), the server's certificate and EHLO");
            out.println("   " + TlsMessages.describe(cfg.smtp()));
            boolean ok = probe.run();
            return ok ? ExitCodes.OK : ExitCodes.NOT_DELIVERED;
        }
    }

    static String explain(ConnectOutcome o) {
        return switch (o) {
            case CONNECTED -> "the server accepts TCP connections";
            case UNREACHABLE -> "ARP got no answer: the server (same subnet) or the gateway is unreachable; check "
                    + "cable, network.ip/subnet/gateway and smtp.server";
            case REFUSED -> "the host answered but nothing listens on that port; check smtp.port";
            case TIMED_OUT -> "no answer to SYN: a firewall drops it, or the host is down";
            case CHIP_ERROR -> "the chip stopped accepting commands";
            case IN_PROGRESS -> "still connecting";
        };
    }

    private static String indent(String s) {
        return s.lines().map(l -> "   " + l + "\n").reduce("", String::concat);
    }
}
