package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.RegisterDump;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.TcpSocket;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;

/**
 * Step-by-step check of the chain from SPI to the mail server: chip detection with the driver's
 * diagnosis, a register dump, TCP reachability of the SMTP server (ARP, refused, timeout), and an
 * EHLO probe listing the server's capabilities. Sends no mail.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Checks the SPI wiring (chip detection with diagnosis), dumps the W5100 registers, tests "
                + "ARP/TCP reachability of the SMTP server and probes its EHLO capabilities. Sends no mail."},
        footer = ExitCodes.HELP)
final class DiagnoseCommand extends TargetCommand {

    private static final int MAX_REPLY = 4096;

    @Override
    int onTarget(BoardConfig cfg) throws Exception {
        try (Target t = Target.open(target, cfg, Log.to(err, false), null, out)) {
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
                err.println("diagnose: no working W5100 on SPI: " + e.diagnosis().advice());
                return ExitCodes.NO_CHIP;
            }
            out.println("2. Register dump");
            out.print(indent(RegisterDump.of(t.stack.driver)));

            int server = Ipv4.toInt(cfg.smtp().server());
            out.println("3. TCP to the SMTP server " + cfg.smtp().serverText() + ":" + cfg.smtp().port());
            TcpSocket socket = t.stack.driver.openTcp();
            try {
                ConnectOutcome o = socket.connect(server, cfg.smtp().port(), cfg.smtp().timeout().toNanos());
                out.println("   " + o + ": " + explain(o));
                if (o != ConnectOutcome.CONNECTED) {
                    return ExitCodes.SERVER_UNREACHABLE;
                }
                out.println("4. EHLO capability probe");
                long timeout = cfg.smtp().timeout().toNanos();
                String greeting = readReply(socket, timeout);
                out.println(prefixed("   <- ", greeting));
                String helo = "EHLO " + (cfg.smtp().heloName() != null ? cfg.smtp().heloName() : "[" + cfg.network().ipText() + "]");
                out.println("    -> " + helo);
                byte[] cmd = (helo + "\r\n").getBytes(StandardCharsets.US_ASCII);
                socket.sendFully(cmd, 0, cmd.length, timeout);
                String ehlo = readReply(socket, timeout);
                out.println(prefixed("   <- ", ehlo));
                byte[] quit = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
                out.println("    -> QUIT");
                socket.sendFully(quit, 0, quit.length, timeout);
                out.println(prefixed("   <- ", readReply(socket, timeout)));
                boolean auth = ehlo.contains("AUTH");
                out.println("   summary: " + (ehlo.startsWith("250") ? "EHLO accepted" : "EHLO not accepted")
                        + (auth ? "; AUTH offered" : "; no AUTH offered")
                        + (ehlo.contains("STARTTLS") ? "; STARTTLS offered (not used: no TLS in this firmware)" : ""));
                if (cfg.smtp().hasCredentials() && !auth) {
                    out.println("   WARNING: credentials are configured but the server offers no AUTH");
                }
                return ehlo.startsWith("250") ? ExitCodes.OK : ExitCodes.NOT_DELIVERED;
            } finally {
                socket.close(1_000_000_000L);
            }
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

    /**
     * Reads one (possibly multi-line) SMTP reply, bounded in size and time: {@code timeoutNanos} is for the
     * whole reply, so a server that trickles bytes without ever ending the reply cannot stretch it.
     */
    private static String readReply(TcpSocket socket, long timeoutNanos) {
        byte[] buf = new byte[MAX_REPLY];
        int len = 0;
        long deadline = System.nanoTime() + timeoutNanos;
        while (len < buf.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            int n = socket.receive(buf, len, buf.length - len, left);
            if (n <= 0) {
                break;
            }
            len += n;
            String text = new String(buf, 0, len, StandardCharsets.US_ASCII);
            if (complete(text)) {
                break;
            }
        }
        return new String(buf, 0, len, StandardCharsets.US_ASCII).stripTrailing();
    }

    /** True when the last complete line is a final reply line ("250 ..." rather than "250-..."). */
    private static boolean complete(String text) {
        if (!text.endsWith("\r\n")) {
            return false;
        }
        String[] lines = text.split("\r\n");
        String last = lines[lines.length - 1];
        return last.length() >= 3 && (last.length() == 3 || last.charAt(3) == ' ');
    }

    private static String prefixed(String prefix, String text) {
        return prefix + text.replace("\r\n", "\n" + prefix);
    }

    private static String indent(String s) {
        return s.lines().map(l -> "   " + l + "\n").reduce("", String::concat);
    }
}
