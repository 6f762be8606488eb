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
    NO_RECIPIENT_ACCEPTED
}
