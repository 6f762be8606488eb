package dev.w5100alert.firmware.codec;

/**
 * Builds one SMTP command line (RFC 5321 section 4.1) in a buffer allocated at construction.
 *
 * <p>Guarantees: the line ends in exactly one CRLF; no CR or LF can get into it from an argument (an
 * argument holding one is refused with {@link IllegalArgumentException} and the buffer is left empty, so
 * nothing half-written can be sent); the line, CRLF included, never exceeds the capacity (512 by RFC 5321
 * section 4.5.3.1.4). No allocation after construction except on the error path.
 */
public final class CommandWriter {

    /** RFC 5321 section 4.5.3.1.4: command line limit, CRLF included. */
    public static final int MAX_COMMAND_LINE = 512;

    private final byte[] line;
    private int length;

    public CommandWriter() {
        this(MAX_COMMAND_LINE);
    }

    public CommandWriter(int capacity) {
        if (capacity < 16) {
            throw new IllegalArgumentException("command capacity too small: " + capacity);
        }
        line = new byte[capacity];
    }

    /** Starts a new line, dropping whatever was there. */
    public CommandWriter begin() {
        length = 0;
        return this;
    }

    /** Appends ASCII text; characters above 0x7F, CR and LF are refused. */
    public CommandWriter append(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7F) {
                length = 0;
                throw new IllegalArgumentException("non-ASCII character in an SMTP command argument");
            }
            put((byte) c);
        }
        return this;
    }

    /** Appends bytes; CR and LF are refused. */
    public CommandWriter append(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            put(b[off + i]);
        }
        return this;
    }

    /** Appends a non-negative decimal number. */
    public CommandWriter append(long value) {
        if (value < 0) {
            length = 0;
            throw new IllegalArgumentException("negative number in an SMTP command");
        }
        int digits = Ascii.digits(value);
        if (length + digits + 2 > line.length) {
            tooLong();
        }
        Ascii.putLong(line, length, value, digits);
        length += digits;
        return this;
    }

    private void put(byte b) {
        if (b == '\r' || b == '\n') {
            length = 0;
            throw new IllegalArgumentException("CR or LF in an SMTP command argument");
        }
        if (length + 3 > line.length) {
            tooLong();
        }
        line[length++] = b;
    }

    private void tooLong() {
        length = 0;
        throw new IllegalArgumentException("SMTP command longer than " + line.length + " bytes");
    }

    /** Ends the line with CRLF and returns its length. */
    public int end() {
        line[length++] = '\r';
        line[length++] = '\n';
        return length;
    }

    public byte[] buffer() {
        return line;
    }

    public int length() {
        return length;
    }
}
