package dev.w5100alert.board.mail;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageBuilder;

/**
 * Whether an alert can be sent at all, decided locally: it is copied into a {@link MailMessage} with the
 * board's {@link EngineTransport#LIMITS} and rendered in its largest form (no 8BITMIME, the latest
 * representable date, the longest Message-ID), exactly as the SMTP engine does before it connects. The
 * configuration check runs it on each sensor's worst-case alert, so a valid configuration cannot produce
 * an alert that fails here. Allocates its buffers once; not thread-safe.
 */
public final class AlertCheck {

    /** 9999-12-31T23:59:59Z, the latest date a Date header can carry: the longest rendering. */
    private static final long LATEST_MILLIS = 253_402_300_799_000L;

    private final String sender;
    private final MailMessage message = new MailMessage(EngineTransport.LIMITS);
    private final MessageBuilder builder;

    /**
     * @param sender          the envelope and From address
     * @param messageIdDomain the domain of the Message-ID (the sender's domain on the board)
     * @throws IllegalArgumentException when the domain cannot be used in a Message-ID
     */
    public AlertCheck(String sender, String messageIdDomain) {
        this.sender = sender;
        this.builder = new MessageBuilder(EngineTransport.LIMITS.maxMessageBytes(), Long.MIN_VALUE, messageIdDomain, 0);
    }

    /** Returns null when the alert can be sent, otherwise what is wrong with it (in words, no stack trace). */
    public String problem(Alert alert) {
        try {
            EngineTransport.fill(message, alert, sender);
            builder.render(message, false, LATEST_MILLIS, Long.MAX_VALUE);
            return null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return e.getMessage();
        }
    }
}
