package dev.w5100alert.board.mail;

import dev.w5100alert.board.alert.Alert;

/**
 * What the firmware loop needs to send one alert: start a send, step it until it ends in a
 * classified {@link Delivery}, or abort it. Non-blocking: {@link #poll} does a bounded amount of
 * work and returns. On the board this is the firmware's SMTP engine over a W5100 TCP socket
 * ({@link EngineTransport}).
 */
public interface MailTransport {

    /** Begins sending {@code alert}; any previous send must have ended or been aborted. */
    void start(Alert alert, long nowNanos);

    /** Advances the send; returns null while it is still running. */
    Delivery poll(long nowNanos);

    /**
     * When the send in flight next needs time (its stage deadline), for the loop's wait; {@code nowNanos}
     * (or earlier) when it does not know.
     */
    default long deadline(long nowNanos) {
        return nowNanos;
    }

    /** Drops the send in flight (chip reset, shutdown); it counts as not delivered. */
    void abort();
}
