package dev.w5100alert.hal;

/** The chip did not behave as a W5100 must (outside the hot path: bring-up, opening sockets). */
public class W5100Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public W5100Exception(String message) {
        super(message);
    }
}
