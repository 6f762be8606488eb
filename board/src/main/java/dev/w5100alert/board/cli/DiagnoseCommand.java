package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.TlsMessages;
import dev.w5100alert.board.stack.RegisterDump;
import dev.w5100alert.firmware.codec.ReplyParser;
import dev.w5100alert.firmware.codec.SecretMask;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    /** The board's address now, as text: the lease, else the static address. */
    private static String heloAddress(Target t, BoardConfig cfg) {
        int a = t.stack.address();
        return a != 0 ? dev.w5100alert.hal.Ipv4.format(a) : "0.0.0.0";
    }

    /**
     * Steps the board's LAN jobs (DHCP, the lookup of the server's name, network time) until mail could go, or
     * for at most {@code smtp.timeout} plus {@code time.wait-for-time}'s share, then prints what they found
     * ({@link dev.w5100alert.firmware.lan.LanAgent#describe}). Returns the server's address, 0 when unknown.
     */
    private int lan(Target t, BoardConfig cfg) {
        var lan = t.stack.lan;
        long timeWait = Math.min(cfg.time().waitForTime().toNanos(), 60_000_000_000L);
        t.stack.awaitNetwork(dev.w5100alert.hal.Clock.SYSTEM, cfg.smtp().timeout().toNanos() + timeWait, timeWait);
        for (String line : lan.describe(System.nanoTime()).split("\n")) {
            out.println("   " + line);
        }
        if (!cfg.network().dhcp() && !cfg.smtp().serverIsName() && cfg.time().ntp() == BoardConfig.NtpMode.OFF) {
            out.println("   (static address, server given as an address, network time off: nothing to look up)");
        }
        return lan.mailServer();
    }

    /** Lines of one reply printed; the rest are counted (the reply's deadline bounds how many can come). */
    private static final int MAX_SHOWN_LINES = 1000;

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

            out.println("3. LAN: address, the server's name, network time");
            int server = lan(t, cfg);
            if (server == 0) {
                err.println("diagnose: the mail server's address is not known (see step 3)");
                return ExitCodes.SERVER_UNREACHABLE;
            }
            out.println("4. TCP to the SMTP server " + cfg.smtp().serverText() + ":" + cfg.smtp().port()
                    + (cfg.smtp().serverIsName() ? " (" + dev.w5100alert.hal.Ipv4.format(server) + ")" : ""));
            SmtpProbe probe = new SmtpProbe(t.stack.driver, cfg, out, server, heloAddress(t, cfg));
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

    /** What a server could echo back: the password as is and in Base64, and the AUTH payloads. */
    static SecretMask secrets(BoardConfig.Smtp smtp) {
        SecretMask mask = new SecretMask();
        if (smtp.hasCredentials()) {
            byte[] user = smtp.username().getBytes(StandardCharsets.UTF_8);
            byte[] pass = smtp.password().getBytes(StandardCharsets.UTF_8);
            byte[] plain = ("\0" + smtp.username() + "\0" + smtp.password()).getBytes(StandardCharsets.UTF_8);
            mask.add(pass, true).add(plain, false).add(user, false);
        }
        return mask;
    }

    /** One reply as shown: its lines (masked, code included), and what went wrong if it did not complete. */
    record Reply(boolean complete, int code, List<String> lines, int notShown, String problem) {
        boolean accepted() {
            return complete && code == 250;
        }

        /** Whether a line after the first (an EHLO keyword line) starts with {@code keyword}. */
        boolean offers(String keyword) {
            for (int i = 1; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.length() > 4 && l.regionMatches(true, 4, keyword, 0, keyword.length())) {
                    return true;
                }
            }
            return false;
        }

        String show(String prefix) {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(sb.length() == 0 ? "" : "\n").append(prefix).append(l);
            }
            if (notShown > 0) {
                sb.append('\n').append(prefix).append("(").append(notShown).append(" more lines not shown)");
            }
            if (problem != null) {
                sb.append(sb.length() == 0 ? "" : "\n").append(prefix).append("(").append(problem).append(")");
            }
            return sb.toString();
        }
    }

    /**
     * Reads SMTP replies line by line with the firmware's {@link ReplyParser} from a {@link TcpLink} (plain, or a
     * TLS link inside TLS): a reply may have any number of lines (memory is one line of 512 bytes), each read is
     * bounded in time by a deadline for the whole reply (so a server that trickles bytes cannot stretch it), and
     * every line passes the secret mask before it is kept. Bytes after a reply stay for the next one, except when
     * {@link #discard()} drops them (after STARTTLS's 220, where they must never be read as replies).
     */
    static final class ReplyReader {
        private final TcpLink link;
        private final SecretMask mask;
        private final ReplyParser parser = new ReplyParser(512);
        private final byte[] buf = new byte[512];
        private int pos;
        private int end;

        ReplyReader(TcpLink link, SecretMask mask) {
            this.link = link;
            this.mask = mask;
        }

        /** Drops what arrived and was not read yet. */
        void discard() {
            pos = 0;
            end = 0;
        }

        /**
         * Waits until a byte is there and returns it without consuming it: -1 when nothing came within
         * {@code timeoutNanos}, -2 when the connection ended.
         */
        int peek(long timeoutNanos) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (pos == end) {
                int f = fill(deadline);
                if (f < 0) {
                    return f;
                }
            }
            return buf[pos] & 0xFF;
        }

        /** One read into the buffer; 1 when bytes came, -1 on the deadline, -2 when the link ended. */
        private int fill(long deadline) {
            while (System.nanoTime() - deadline < 0) {
                int n = link.read(buf, 0, buf.length);
                if (n < 0) {
                    return -2;
                }
                if (n > 0) {
                    pos = 0;
                    end = n;
                    return 1;
                }
                if (link.poll() == TcpLink.State.FAILED) {
                    return -2;
                }
                Clock.SYSTEM.idle();
            }
            return -1;
        }

        Reply read(long timeoutNanos) {
            parser.reset();
            List<String> lines = new ArrayList<>();
            int notShown = 0;
            String problem = null;
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                if (pos == end) {
                    int f = fill(deadline);
                    if (f == -1) {
                        problem = "no complete reply within " + Math.max(1, timeoutNanos / 1_000_000_000L) + " s";
                        break;
                    }
                    if (f == -2) {
                        problem = "connection closed";
                        break;
                    }
                    continue;
                }
                pos += parser.feed(buf, pos, end - pos);
                ReplyParser.Status st = parser.status();
                if (st == ReplyParser.Status.LINE || st == ReplyParser.Status.COMPLETE) {
                    if (lines.size() < MAX_SHOWN_LINES) {
                        lines.add(line());
                    } else {
                        notShown++;
                    }
                    if (st == ReplyParser.Status.COMPLETE) {
                        return new Reply(true, parser.code(), lines, notShown, null);
                    }
                } else if (st == ReplyParser.Status.ERROR) {
                    lines.add(line());
                    return new Reply(false, 0, lines, notShown, parser.errorText());
                }
            }
            if (parser.status() == ReplyParser.Status.INCOMPLETE && parser.lineLength() > 0) {
                lines.add(line()); // the start of a line that never ended
            }
            return new Reply(false, 0, lines, notShown, problem);
        }

        private String line() {
            byte[] b = parser.buffer();
            int n = parser.lineLength();
            mask.mask(b, 0, n);
            StringBuilder sb = new StringBuilder(Math.min(n, 200));
            for (int i = 0; i < Math.min(n, 200); i++) {
                int c = b[i] & 0xFF;
                // Control bytes and non-ASCII from a hostile peer must not drive the reader's terminal.
                sb.append(c < 0x20 || c >= 0x7F ? '?' : (char) c);
            }
            return n > 200 ? sb.append("...").toString() : sb.toString();
        }
    }

    private static String indent(String s) {
        return s.lines().map(l -> "   " + l + "\n").reduce("", String::concat);
    }
}
