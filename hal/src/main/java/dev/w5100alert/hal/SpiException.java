package dev.w5100alert.hal;

/** The SPI bus itself failed (device missing, ioctl error, simulator link lost). */
public class SpiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpiException(String message) {
        super(message);
    }

    public SpiException(String message, Throwable cause) {
        super(message, cause);
    }
}
