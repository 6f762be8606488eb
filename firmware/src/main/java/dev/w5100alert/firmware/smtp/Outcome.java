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
    /** The server refused the credentials or offers no usable mechanism, or plaintext AUTH is not allowed. */
    AUTH_FAILURE
}
