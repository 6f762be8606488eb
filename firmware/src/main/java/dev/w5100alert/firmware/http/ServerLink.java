package dev.w5100alert.firmware.http;

/**
 * The server side of one TCP socket, as the {@link HttpResponder} needs it: listen, take one connection,
 * move bytes, close without waiting. Every call is bounded and non-blocking; the caller owns all deadlines.
 */
public interface ServerLink {

    /** Where the link is. */
    enum State {
        /** Not listening (never started, or the socket was lost): call {@link #listen()}. */
        CLOSED,
        /** Waiting for a client. */
        LISTENING,
        /** A client is connected. */
        CONNECTED
    }

    /** Starts (or restarts) listening on the link's port; false if the socket could not be opened now. */
    boolean listen();

    /** Advances and reports the state. */
    State poll();

    /** @return bytes read (0 = none yet), or -1 when the client closed or the connection failed */
    int read(byte[] b, int off, int len);

    /** @return bytes taken (0 = no room yet), or -1 when the connection failed */
    int write(byte[] b, int off, int len);

    /** True once everything written has left (the chip confirmed the last send). */
    boolean sent();

    /** Sends FIN; poll {@link #state} until CLOSED. */
    void disconnect();

    /** Closes at once (no FIN handshake); the link is CLOSED afterwards. */
    void abort();
}
