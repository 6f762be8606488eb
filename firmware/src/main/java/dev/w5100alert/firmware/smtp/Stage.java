package dev.w5100alert.firmware.smtp;

/**
 * The SMTP engine's states (one enum, one switch in {@link SmtpEngine}); a failed send reports the stage it
 * failed in.
 */
public enum Stage {
    /** No connection. */
    IDLE,
    CONNECTING,
    /** Waiting for 220. */
    GREETING,
    EHLO,
    HELO,
    /** Sent STARTTLS, waiting for 220. */
    STARTTLS,
    /** The TLS handshake (right after connecting for implicit TLS, after STARTTLS's 220 otherwise). */
    TLS_HANDSHAKE,
    /** Sent AUTH PLAIN with its payload, waiting for 235. */
    AUTH_PLAIN,
    /** Sent AUTH LOGIN, waiting for the user-name 334. */
    AUTH_LOGIN,
    /** Sent the user name, waiting for the password 334. */
    AUTH_LOGIN_USER,
    /** Sent the password, waiting for 235. */
    AUTH_LOGIN_PASSWORD,
    MAIL,
    RCPT,
    /** Sent DATA, waiting for 354. */
    DATA,
    /** Streaming the message. */
    MESSAGE,
    /** Sent the final ".", waiting for 250. */
    DATA_END,
    RSET,
    QUIT,
    /** Connected and greeted, between transactions (kept sessions only). */
    SESSION_IDLE
}
