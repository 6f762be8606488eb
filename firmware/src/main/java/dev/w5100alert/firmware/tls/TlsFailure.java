package dev.w5100alert.firmware.tls;

/** Why a {@link TlsLink} handshake failed; {@link #NONE} while it has not. */
public enum TlsFailure {
    NONE,
    /** The chain does not lead to a trusted anchor (unknown CA, self-signed and not in {@code ca-file}). */
    UNTRUSTED,
    /** A certificate of the chain expired before the board's clock time. */
    EXPIRED,
    /** A certificate of the chain is only valid after the board's clock time. */
    NOT_YET_VALID,
    /** The server certificate does not carry the expected name (or IP address). */
    NAME_MISMATCH,
    /** The board's clock reads earlier than the firmware's build date: it has not been set. */
    CLOCK_NOT_SET,
    /** The TLS protocol failed: no common version or cipher, an alert from the server, a closed connection. */
    HANDSHAKE_FAILED,
    /** The peer answered with something that is not a TLS record (plain text where TLS was expected). */
    NOT_TLS,
    /** The caller's deadline ran out during the handshake ({@link TlsLink#handshakeDeadlinePassed()}). */
    TIMEOUT
}
