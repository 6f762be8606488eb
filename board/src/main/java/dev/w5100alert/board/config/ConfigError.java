package dev.w5100alert.board.config;

/**
 * One problem found in a configuration file: which key (dotted, e.g. {@code smtp.port} or
 * {@code sensor.door.pin}), on which line (1-based; the section header's line when a key is
 * missing), and what is wrong in words a person can act on.
 */
public record ConfigError(String file, int line, String key, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + key + ": " + message;
    }
}
