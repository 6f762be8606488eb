package dev.w5100alert.firmware.smtp;

/** What lies behind an outcome other than {@link Outcome#DELIVERED}. */
public enum FailureCause {
    NONE,
    /** The server replied with a failure code (see {@link SendResult#replyCode()}). */
    REPLY,
    /** No reply (or no send progress) before the stage's deadline. */
    TIMEOUT,
    /** The TCP connection could not be established. */
    CONNECT_FAILED,
    /** The peer closed or reset the connection. */
    CONNECTION_LOST,
    /** Not SMTP: a malformed, overlong or endless reply, or an unexpected reply code. */
    PROTOCOL_ERROR,
    /** Credentials are configured but the server offers neither AUTH PLAIN nor AUTH LOGIN. */
    AUTH_NOT_OFFERED,
    /** The server offers AUTH, but sending credentials without TLS was not allowed by configuration. */
    PLAINTEXT_AUTH_FORBIDDEN,
    /** The message is larger than the server's advertised SIZE. */
    MESSAGE_TOO_LARGE,
    /** Every RCPT TO was refused (per-recipient codes in the result). */
    NO_RECIPIENT_ACCEPTED,
    /** {@code tls = starttls}, but the server's EHLO does not offer STARTTLS: nothing else was sent. */
    STARTTLS_NOT_OFFERED,
    /** The server answered STARTTLS with something other than 220 (454, 500, ...). */
    STARTTLS_REFUSED,
    /** {@code tls = none}, but the server offers AUTH only after STARTTLS: set {@code smtp.tls = starttls}. */
    STARTTLS_REQUIRED,
    /** No greeting after connecting to 465, or TLS records where a plain greeting was due: the port expects
     * implicit TLS ({@code smtp.tls = implicit}). */
    IMPLICIT_TLS_EXPECTED,
    /** The server's certificate chain does not lead to a trusted CA (the default store or {@code ca-file}). */
    CERT_UNTRUSTED,
    /** A certificate of the server's chain has expired (by the board's clock; see {@link SendResult#detail()}). */
    CERT_EXPIRED,
    /** A certificate of the server's chain is not valid yet (by the board's clock). */
    CERT_NOT_YET_VALID,
    /** The certificate does not carry the server's name ({@link SendResult#detail()} lists the names it does). */
    CERT_NAME_MISMATCH,
    /** The board's clock reads earlier than the firmware's build date: certificates cannot be checked. */
    CLOCK_NOT_SET,
    /** The TLS handshake failed (protocol, cipher, alert, plain text where TLS was expected, connection closed). */
    TLS_HANDSHAKE_FAILED;

    /**
     * Whether retrying unchanged cannot help: the settings (or the server's certificate, or the board's clock) need
     * a person. True for the TLS and STARTTLS causes and the credential causes.
     */
    public boolean needsUser() {
        return switch (this) {
            case AUTH_NOT_OFFERED, PLAINTEXT_AUTH_FORBIDDEN, STARTTLS_NOT_OFFERED, STARTTLS_REFUSED,
                    STARTTLS_REQUIRED, IMPLICIT_TLS_EXPECTED, CERT_UNTRUSTED, CERT_EXPIRED, CERT_NOT_YET_VALID,
                    CERT_NAME_MISMATCH, CLOCK_NOT_SET, TLS_HANDSHAKE_FAILED -> true;
            default -> false;
        };
    }
}
