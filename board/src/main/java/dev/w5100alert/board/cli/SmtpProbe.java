package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.Ipv4;
import dev.w5100alert.board.mail.TlsMessages;
import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.firmware.codec.SecretMask;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.tls.TlsFailure;
import dev.w5100alert.firmware.tls.TlsLink;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.W5100Driver;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code diagnose}'s look at the SMTP port through the board's own stack (W5100 socket, firmware {@link TlsLink}):
 * whether it speaks implicit TLS, plain SMTP with STARTTLS or plain SMTP only; the certificate chain the server
 * sends (subject, issuer, subjectAltNames, validity) and whether it verifies with the current settings; the EHLO
 * capabilities inside TLS; and the one setting to change when something does not fit. Every wait has the
 * configured timeout as its deadline; replies are read line by line with the firmware's reply parser, the password
 * masked and control bytes neutralised ({@link DiagnoseCommand.ReplyReader}). Sends no mail and no credentials.
 */
final class SmtpProbe {

    /** How long to wait for a greeting before suspecting a port that waits for a TLS ClientHello. */
    static final long GREETING_WAIT_NANOS = 10_000_000_000L;

    /** What the port was found to speak. */
    enum Speaks { IMPLICIT_TLS, STARTTLS, PLAIN_ONLY, UNKNOWN }

    private final W5100Driver driver;
    private final BoardConfig.Smtp smtp;
    private final String helo;
    private final PrintStream out;
    private final long timeoutNanos;
    private final SecretMask mask;
    private DiagnoseCommand.ReplyReader replies;
    private boolean insideTls;

    private final int serverIp;

    /**
     * @param serverIp    the server's address (the literal, or what the board's DNS lookup found for the name)
     * @param ownAddress  the board's address now (static or leased), for the default EHLO name
     */
    SmtpProbe(W5100Driver driver, BoardConfig cfg, PrintStream out, int serverIp, String ownAddress) {
        this.driver = driver;
        this.smtp = cfg.smtp();
        this.serverIp = serverIp;
        this.helo = smtp.heloName() != null ? smtp.heloName() : "[" + ownAddress + "]";
        this.out = out;
        this.timeoutNanos = smtp.timeout().toNanos();
        this.mask = DiagnoseCommand.secrets(smtp);
    }

    private TlsLink first;

    /**
     * Connects to the server (the connection {@link #run()} then starts on, so a server that takes only one
     * connection is probed on it) and returns the outcome in the driver's terms.
     */
    ConnectOutcome connect() {
        first = newLink();
        first.connect(serverIp, smtp.port());
        if (waitConnected(first)) {
            return ConnectOutcome.CONNECTED;
        }
        TcpLink.Failure f = first.failure();
        first.close();
        return switch (f) {
            case UNREACHABLE -> ConnectOutcome.UNREACHABLE;
            case REFUSED -> ConnectOutcome.REFUSED;
            case DEVICE_ERROR -> ConnectOutcome.CHIP_ERROR;
            default -> ConnectOutcome.TIMED_OUT;
        };
    }

    /**
     * Runs the probe on the connection {@link #connect()} made and prints it; returns true when the port fits the
     * settings, the certificate verifies and EHLO was accepted.
     */
    boolean run() {
        BoardConfig.TlsMode configured = smtp.tls().mode();
        int server = serverIp;
        TlsLink link = first;
        try {
            replies = new DiagnoseCommand.ReplyReader(link, mask);
            long greetingWait = Math.min(timeoutNanos, GREETING_WAIT_NANOS);
            int firstByte = replies.peek(greetingWait);
            if (firstByte >= 0 && isTlsRecord(firstByte)) {
                out.println("   the server sent a TLS record before any SMTP greeting: the port speaks TLS from the "
                        + "first byte");
                link.close();
                return implicitProbe(configured, server);
            }
            if (firstByte == -2) {
                out.println("   the server closed the connection without a greeting; check smtp.port");
                return false;
            }
            if (firstByte < 0) {
                out.println("   no greeting within " + greetingWait / 1_000_000L + " ms: trying a TLS handshake "
                        + "(a port with implicit TLS waits for the client to start)");
                link.close();
                return implicitProbe(configured, server);
            }
            return plainProbe(link, configured);
        } finally {
            link.close();
        }
    }

    private boolean plainProbe(TlsLink link, BoardConfig.TlsMode configured) {
        print(replies.read(timeoutNanos));
        DiagnoseCommand.Reply ehlo = ehlo(link);
        boolean ehloOk = ehlo.accepted();
        boolean startTls = ehloOk && ehlo.offers("STARTTLS");
        boolean authBeforeTls = ehloOk && ehlo.offers("AUTH");
        if (!ehloOk) {
            quit(link);
            out.println("   summary: EHLO not accepted");
            out.println("   the port speaks: not the SMTP expected (no final 250 reply to EHLO); check smtp.server and "
                    + "smtp.port");
            return false;
        }
        if (!startTls) {
            quit(link);
            out.println("   summary: EHLO accepted" + (authBeforeTls ? "; AUTH offered" : "; no AUTH offered")
                    + "; no STARTTLS offered");
            out.println("   the port speaks: plain SMTP without TLS");
            if (configured == BoardConfig.TlsMode.NONE) {
                out.println("   settings: smtp.tls = none fits this port");
                warnAuth(authBeforeTls);
                return true;
            }
            out.println("   settings: smtp.tls = " + configured.configName() + " cannot work here: this server offers "
                    + "no TLS. Use the server's submission port (587, STARTTLS) or 465 (implicit TLS); only on a "
                    + "network you trust set smtp.tls = none (and allow-plaintext-auth = true for AUTH)");
            return false;
        }
        out.println("    -> STARTTLS");
        if (!send(link, "STARTTLS")) {
            return false;
        }
        DiagnoseCommand.Reply reply = replies.read(timeoutNanos);
        print(reply);
        if (!reply.complete() || reply.code() != 220) {
            out.println("   " + TlsMessages.explain(FailureCause.STARTTLS_REFUSED, "", 0, "", "diagnose"));
            return false;
        }
        replies.discard(); // anything pipelined after the 220 is never read as a reply (CVE-2011-0411)
        boolean verified = handshake(link, TlsMode.STARTTLS);
        boolean authInTls = false;
        boolean ehloInTls = false;
        if (verified) {
            DiagnoseCommand.Reply e2 = ehlo(link);
            ehloInTls = e2.accepted();
            authInTls = ehloInTls && e2.offers("AUTH");
            quit(link);
            out.println("   summary: " + (ehloInTls ? "EHLO accepted" : "EHLO not accepted")
                    + (authInTls ? "; AUTH offered" : "; no AUTH offered") + " inside TLS"
                    + (authBeforeTls ? "; AUTH also offered before STARTTLS" : "; AUTH only after STARTTLS"));
        }
        out.println("   the port speaks: plain SMTP with STARTTLS");
        switch (configured) {
            case STARTTLS -> out.println("   settings: smtp.tls = starttls fits this port");
            case IMPLICIT -> out.println("   settings: smtp.tls = implicit does not fit: this port starts in plain "
                    + "text; set smtp.tls = starttls");
            case NONE -> out.println("   settings: smtp.tls = none: the server offers STARTTLS"
                    + (authBeforeTls ? "" : " and AUTH only after it") + "; set smtp.tls = starttls");
        }
        if (verified) {
            warnAuth(authInTls);
        }
        return verified && ehloInTls && configured == BoardConfig.TlsMode.STARTTLS;
    }

    private boolean implicitProbe(BoardConfig.TlsMode configured, int server) {
        TlsLink link = newLink();
        try {
            link.connect(server, smtp.port());
            if (!waitConnected(link)) {
                out.println("   could not connect again (" + link.failure() + ")");
                return false;
            }
            replies = new DiagnoseCommand.ReplyReader(link, mask);
            boolean verified = handshake(link, TlsMode.IMPLICIT);
            boolean tlsSpoken = verified || link.peerChain().length > 0;
            if (!tlsSpoken) {
                out.println("   the port speaks: unknown (no SMTP greeting and no TLS handshake); check smtp.port");
                return false;
            }
            boolean ehloOk = false;
            if (verified) {
                print(replies.read(timeoutNanos));
                DiagnoseCommand.Reply e = ehlo(link);
                ehloOk = e.accepted();
                boolean auth = ehloOk && e.offers("AUTH");
                quit(link);
                out.println("   summary: " + (ehloOk ? "EHLO accepted" : "EHLO not accepted")
                        + (auth ? "; AUTH offered" : "; no AUTH offered") + " inside TLS");
                warnAuth(auth);
            }
            out.println("   the port speaks: implicit TLS (TLS from the first byte)");
            if (configured == BoardConfig.TlsMode.IMPLICIT) {
                out.println("   settings: smtp.tls = implicit fits this port");
            } else {
                out.println("   settings: smtp.tls = " + configured.configName() + " does not fit: the port expects "
                        + "implicit TLS; set smtp.tls = implicit");
            }
            return verified && ehloOk && configured == BoardConfig.TlsMode.IMPLICIT;
        } finally {
            link.close();
        }
    }

    /** Handshakes with the configured trust and name; prints the chain and the verdict. */
    private boolean handshake(TlsLink link, TlsMode mode) {
        link.startTls(BoardStack.tlsPolicy(smtp, mode));
        long deadline = System.nanoTime() + timeoutNanos;
        while (link.poll() == TcpLink.State.CONNECTING) {
            if (System.nanoTime() - deadline >= 0) {
                link.handshakeDeadlinePassed();
                break;
            }
            Clock.SYSTEM.idle();
        }
        X509Certificate[] chain = link.peerChain();
        out.println("   certificate chain sent by the server (" + chain.length + "):");
        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            out.println("     [" + i + "] subject " + c.getSubjectX500Principal().getName());
            out.println("         issuer  " + c.getIssuerX500Principal().getName());
            out.println("         names   " + subjectAltNames(c, i == 0));
            out.println("         valid   " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant());
        }
        out.println("   checked against the settings: " + TlsMessages.describeCheck(smtp));
        if (link.secured()) {
            out.println("   === " + link.describeSession());
            out.println("   verifies with the current settings: yes");
            insideTls = true;
            return true;
        }
        TlsFailure f = link.tlsFailure();
        FailureCause cause = causeOf(f);
        out.println("   verifies with the current settings: no (" + f + ")");
        String advice = cause == null ? null : TlsMessages.explain(cause, link.failureDetail(), 0, "", "TLS " + f);
        out.println("   " + (advice != null ? advice : "TLS failed: " + link.failureDetail()));
        return false;
    }

    static FailureCause causeOf(TlsFailure f) {
        return switch (f) {
            case UNTRUSTED -> FailureCause.CERT_UNTRUSTED;
            case EXPIRED -> FailureCause.CERT_EXPIRED;
            case NOT_YET_VALID -> FailureCause.CERT_NOT_YET_VALID;
            case NAME_MISMATCH -> FailureCause.CERT_NAME_MISMATCH;
            case CLOCK_NOT_SET -> FailureCause.CLOCK_NOT_SET;
            case HANDSHAKE_FAILED, NOT_TLS, TIMEOUT -> FailureCause.TLS_HANDSHAKE_FAILED;
            case NONE -> null;
        };
    }

    /** The names {@code c} carries; only the server's own certificate ({@code leaf}) must carry the board's. */
    static String subjectAltNames(X509Certificate c, boolean leaf) {
        Collection<List<?>> names;
        try {
            names = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "(unreadable subjectAltName: " + e.getMessage() + ")";
        }
        if (names == null || names.isEmpty()) {
            return leaf ? "(no subjectAltName: a name in the subject's CN alone is not accepted, RFC 6125)"
                    : "(none; not needed on an issuing certificate)";
        }
        List<String> out = new ArrayList<>();
        for (List<?> n : names) {
            int type = (Integer) n.get(0);
            String kind = switch (type) {
                case 2 -> "DNS:";
                case 7 -> "IP:";
                case 1 -> "email:";
                case 6 -> "URI:";
                default -> "type" + type + ":";
            };
            out.add(kind + n.get(1));
        }
        return String.join(", ", out);
    }

    private void warnAuth(boolean auth) {
        if (smtp.hasCredentials() && !auth) {
            out.println("   WARNING: credentials are configured but the server offers no AUTH");
        }
    }

    private TlsLink newLink() {
        return new TlsLink(new W5100TcpLink(driver, timeoutNanos, 1_000_000_000L), Clock.SYSTEM);
    }

    private boolean waitConnected(TcpLink link) {
        long deadline = System.nanoTime() + timeoutNanos;
        TcpLink.State s;
        while ((s = link.poll()) == TcpLink.State.CONNECTING && System.nanoTime() - deadline < 0) {
            Clock.SYSTEM.idle();
        }
        return s == TcpLink.State.CONNECTED;
    }

    private static boolean isTlsRecord(int b) {
        return b == 0x16 || b == 0x15; // handshake or alert record
    }

    private DiagnoseCommand.Reply ehlo(TcpLink link) {
        String cmd = "EHLO " + helo;
        out.println((insideTls ? "    ~> " : "    -> ") + cmd);
        if (!send(link, cmd)) {
            return new DiagnoseCommand.Reply(false, 0, List.of(), 0, "not sent");
        }
        DiagnoseCommand.Reply r = replies.read(timeoutNanos);
        print(r);
        return r;
    }

    private void quit(TcpLink link) {
        out.println((insideTls ? "    ~> " : "    -> ") + "QUIT");
        if (send(link, "QUIT")) {
            print(replies.read(timeoutNanos));
        }
    }

    private void print(DiagnoseCommand.Reply r) {
        String shown = r.show(insideTls ? "   <~ " : "   <- ");
        if (!shown.isEmpty()) {
            out.println(shown);
        }
    }

    private boolean send(TcpLink link, String command) {
        byte[] b = (command + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int off = 0;
        long deadline = System.nanoTime() + timeoutNanos;
        while (off < b.length) {
            int n = link.write(b, off, b.length - off);
            if (n < 0) {
                out.println("   the connection was lost while sending " + command.split(" ")[0]);
                return false;
            }
            off += n;
            if (n == 0) {
                if (System.nanoTime() - deadline >= 0) {
                    out.println("   timed out sending " + command.split(" ")[0]);
                    return false;
                }
                link.poll();
                Clock.SYSTEM.idle();
            }
        }
        link.poll(); // let a TLS link push its last record out
        return true;
    }
}
