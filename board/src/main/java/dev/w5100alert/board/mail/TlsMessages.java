package dev.w5100alert.board.mail;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.SendResult;

/**
 * What the board tells a person about TLS: the settings in effect ({@code config check}, {@code diagnose}) and, for
 * every TLS-related failure, one sentence that says what happened and which setting to change. The sentences are
 * shared by {@code send-test}, the service log, {@code diagnose} and the outbox, so a user meets the same words
 * everywhere. Nothing here ever includes a credential.
 */
public final class TlsMessages {

    private TlsMessages() { }

    /** One line: mode, the name the certificate must carry and what is trusted. */
    public static String describe(BoardConfig.Smtp smtp) {
        BoardConfig.TlsSettings t = smtp.tls();
        if (t.mode() == BoardConfig.TlsMode.NONE) {
            return "TLS: none (smtp.tls = none): mail" + (smtp.hasCredentials() ? " and the password" : "")
                    + " cross the network unencrypted";
        }
        return "TLS: " + t.mode().configName()
                + (t.mode() == BoardConfig.TlsMode.IMPLICIT ? " (TLS from the first byte); " : " (STARTTLS before AUTH); ")
                + describeCheck(smtp);
    }

    /** What a server certificate is checked against: the name (or IP address) it must carry, and the trust. */
    public static String describeCheck(BoardConfig.Smtp smtp) {
        BoardConfig.TlsSettings t = smtp.tls();
        StringBuilder b = new StringBuilder();
        String name = t.expectedName(smtp.serverText());
        if (name != null) {
            b.append("the certificate must carry the name ").append(name)
                    .append(t.serverName() != null ? " (smtp.tls-server-name)" : " (smtp.server)");
        } else {
            b.append("the certificate must carry the IP address ").append(smtp.serverText())
                    .append(" (smtp.server is an address and smtp.tls-server-name is not set)");
        }
        if (t.trustAnchors() == null) {
            b.append("; trusted: the JDK's default CA certificates");
        } else {
            b.append("; trusted: ").append(t.caSubjects().size()).append(" certificate(s) ")
                    .append(t.caFile() != null ? "from " + t.caFile() : "made for this run, in place of smtp.ca-file");
            for (String s : t.caSubjects()) {
                b.append(" [").append(s).append(']');
            }
        }
        return b.toString();
    }

    /** Whether {@code cause} is one of the TLS and STARTTLS causes (they need the user, and are no credential problem). */
    public static boolean isTls(FailureCause cause) {
        return switch (cause) {
            case STARTTLS_NOT_OFFERED, STARTTLS_REFUSED, STARTTLS_REQUIRED, IMPLICIT_TLS_EXPECTED, CERT_UNTRUSTED,
                    CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_NAME_MISMATCH, CLOCK_NOT_SET, TLS_HANDSHAKE_FAILED -> true;
            default -> false;
        };
    }

    /**
     * The sentence for a TLS failure: what happened, with the firmware's detail (names the certificate carries, the
     * board's clock time), and the setting to change; then the technical summary in parentheses. Null when the
     * result is not a TLS failure.
     */
    public static String explain(SendResult r) {
        return explain(r.cause(), r.detail(), r.replyCode(), r.replyCode() == 0 ? "" : r.replyText(),
                "at " + r.stage() + ": " + r.cause()); // no outcome name: the firmware files these under AUTH_FAILURE
    }

    /** As {@link #explain(SendResult)}, from the parts (for {@code diagnose}, which has no SendResult). */
    public static String explain(FailureCause cause, CharSequence detail, int replyCode, String replyText, String summary) {
        if (!isTls(cause)) {
            return null;
        }
        String d = detail == null || detail.length() == 0 ? "" : " (" + detail + ")";
        String sentence = switch (cause) {
            case STARTTLS_REQUIRED -> "the server requires STARTTLS before AUTH; set smtp.tls = starttls";
            case STARTTLS_NOT_OFFERED -> "the server does not offer STARTTLS, so nothing was sent (smtp.tls = starttls "
                    + "never falls back to plain text); if the port speaks TLS from the first byte set "
                    + "smtp.tls = implicit, else use the server's submission port (587), or only on a network you trust "
                    + "smtp.tls = none";
            case STARTTLS_REFUSED -> "the server refused STARTTLS" + (replyCode != 0 ? " with " + replyCode + " "
                    + replyText : "") + d + "; nothing else was sent. 454 means the server's TLS is out of order "
                    + "for now (its certificate or key); 5xx means it does not take STARTTLS on this port: check "
                    + "smtp.port, or use 465 with smtp.tls = implicit";
            case IMPLICIT_TLS_EXPECTED -> "the port expects implicit TLS (the server said nothing after the connect, "
                    + "or answered with TLS records)" + d + "; set smtp.tls = implicit";
            case CERT_UNTRUSTED -> "the server's certificate is not issued by a CA the board trusts" + d
                    + "; put the CA certificate that issued it (or the server's self-signed certificate) in a PEM "
                    + "file and name it in smtp.ca-file";
            case CERT_EXPIRED -> "the server's certificate has expired by the board's clock" + d
                    + "; renew the certificate on the server, or correct the board's clock if it is wrong";
            case CERT_NOT_YET_VALID -> "the server's certificate is not valid yet by the board's clock" + d
                    + "; correct the board's clock if it is wrong, or check the certificate's dates";
            case CERT_NAME_MISMATCH -> "the server's certificate does not carry the name the board expects" + d
                    + "; set smtp.tls-server-name to a name it carries (or smtp.server to the right server)";
            case CLOCK_NOT_SET -> "the board's clock is not set" + d + "; certificates cannot be checked until it "
                    + "is: set the system clock (or let network time set it) and the alert goes out on its next try";
            case TLS_HANDSHAKE_FAILED -> "the TLS handshake with the server failed" + d + "; check smtp.port and "
                    + "smtp.tls (starttls for 587, implicit for 465); the server must speak TLS 1.2 or 1.3";
            default -> throw new IllegalStateException(cause.name());
        };
        return sentence + " [" + summary + "]";
    }
}
