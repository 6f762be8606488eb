package dev.w5100alert.board.mail;

/**
 * How one send ended.
 *
 * @param code    the server's deciding reply code, 0 when there was none (timeout, lost link)
 * @param detail  what happened, for the log (never contains credentials)
 * @param refused recipients the server refused although the message was delivered to the others
 */
public record Delivery(Kind kind, int code, String detail, int refused) {

    public enum Kind {
        /** The server took the message. */
        DELIVERED,
        /** Try again later: 4xx, timeout, connection refused or lost, chip trouble. */
        TRANSIENT,
        /** The server refused the message for good (5xx). */
        PERMANENT,
        /** Credentials refused or no usable mechanism: retried slowly, logged as an error. */
        AUTH_FAILED,
        /**
         * TLS could not be set up as configured (STARTTLS missing or refused, certificate refused, the board's
         * clock not set, the port expects another TLS mode): needs the user. Retried only at the outbox's slowest
         * rate ({@code outbox.retry-max}) and logged as an error at every attempt, never as a credential problem;
         * {@link #detail()} is the sentence that says what to change.
         */
        TLS_FAILED
    }

    public static Delivery delivered() {
        return new Delivery(Kind.DELIVERED, 250, "delivered", 0);
    }

    public static Delivery transientFailure(int code, String detail) {
        return new Delivery(Kind.TRANSIENT, code, detail, 0);
    }

    public static Delivery permanentFailure(int code, String detail) {
        return new Delivery(Kind.PERMANENT, code, detail, 0);
    }
}
