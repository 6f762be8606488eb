package dev.w5100alert.firmware.smtp;

/** The one classification every send ends in. */
public enum Outcome {
    /** Still running. */
    PENDING,
    /** The server took the message (250 after the final "."), possibly with some recipients refused. */
    DELIVERED,
    /** 4xx reply, timeout, lost or refused connection, garbled reply: try again later, unchanged. */
    TRANSIENT_FAILURE,
    /** 5xx reply (or a message the server's SIZE forbids): do not repeat. */
    PERMANENT_FAILURE,
    /**
     * Needs the user, retrying unchanged cannot help: the server refused the credentials or offers no usable
     * mechanism, plaintext AUTH is not allowed, or TLS could not be set up as configured (STARTTLS missing or
     * refused, certificate refused, clock not set; see {@link FailureCause#needsUser()}).
     */
    AUTH_FAILURE
}
