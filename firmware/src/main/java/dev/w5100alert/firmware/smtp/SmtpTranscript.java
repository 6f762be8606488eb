package dev.w5100alert.firmware.smtp;

/**
 * Receives the conversation in swaks' style: every command as sent ({@code -> EHLO ...}) and every reply line
 * as received ({@code <- 250-...}), without CRLF. AUTH payloads arrive already replaced by
 * {@link SmtpEngine#REDACTED}; the message itself is summarised in one line. The arrays are the engine's
 * own buffers, valid only during the call: copy what you keep. Called on the engine's thread.
 */
public interface SmtpTranscript {

    /** One line; {@code fromClient} is true for commands ({@code ->}), false for replies ({@code <-}). */
    void line(boolean fromClient, byte[] b, int off, int len);

    /**
     * One line, saying whether it travelled inside TLS (swaks shows those as {@code " ~> "} / {@code "<~ "}). The
     * engine calls this one; the default forgets the TLS flag.
     */
    default void line(boolean fromClient, boolean insideTls, byte[] b, int off, int len) {
        line(fromClient, b, off, len);
    }

    /** An engine event (connecting, timeout, connection lost); {@code text} is a constant. */
    default void event(String text) {
    }
}
