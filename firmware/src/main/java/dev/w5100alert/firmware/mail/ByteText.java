package dev.w5100alert.firmware.mail;

import dev.w5100alert.firmware.codec.Ascii;
import java.nio.charset.StandardCharsets;

/**
 * A fixed-capacity UTF-8 text buffer: the allocation-free stand-in for a {@code StringBuilder}.
 *
 * <p>The byte array is allocated once, at construction; {@link #append} encodes chars to UTF-8 in place
 * and refuses (with {@link IllegalArgumentException}, leaving the earlier content intact) anything that
 * would not fit. Only {@link #toString()} allocates; it is meant for tests and diagnostics.
 */
public final class ByteText implements CharSequence {

    private final byte[] bytes;
    private int length;

    public ByteText(int capacity) {
        bytes = new byte[capacity];
    }

    public ByteText clear() {
        length = 0;
        return this;
    }

    /** Appends text encoded as UTF-8 (an unpaired surrogate becomes '?'). */
    public ByteText append(CharSequence s) {
        if (s instanceof ByteText t) {
            return append(t); // already UTF-8: copy bytes, do not re-encode them as chars
        }
        int start = length;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                put(start, 4);
                bytes[length++] = (byte) (0xF0 | cp >> 18);
                bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp & 0x3F);
            } else {
                putChar(c, start);
            }
        }
        return this;
    }

    /** Appends one character as UTF-8 (without this overload a char would widen to a number). */
    public ByteText append(char c) {
        putChar(c, length);
        return this;
    }

    /** One BMP char as UTF-8 (a lone surrogate as '?'); on overflow the text rolls back to {@code rollback}. */
    private void putChar(char c, int rollback) {
        if (c < 0x80) {
            put(rollback, 1);
            bytes[length++] = (byte) c;
        } else if (c < 0x800) {
            put(rollback, 2);
            bytes[length++] = (byte) (0xC0 | c >> 6);
            bytes[length++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isSurrogate(c)) {
            put(rollback, 1);
            bytes[length++] = '?';
        } else {
            put(rollback, 3);
            bytes[length++] = (byte) (0xE0 | c >> 12);
            bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
            bytes[length++] = (byte) (0x80 | c & 0x3F);
        }
    }

    /** Appends raw bytes (expected to be UTF-8). */
    public ByteText append(byte[] b, int off, int len) {
        put(length, len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    public ByteText append(ByteText other) {
        return append(other.bytes, 0, other.length);
    }

    /** Appends a decimal number (a leading '-' for negatives). */
    public ByteText append(long value) {
        int start = length;
        if (value < 0) {
            put(start, 1);
            bytes[length++] = '-';
            value = -value; // Long.MIN_VALUE is not a count anyone sends
        }
        int digits = Ascii.digits(value);
        put(start, digits);
        length = Ascii.putLong(bytes, length, value, digits);
        return this;
    }

    /** Replaces the content with a copy of {@code s}. */
    public ByteText set(CharSequence s) {
        clear();
        return append(s);
    }

    private void put(int rollback, int n) {
        if (length + n > bytes.length) {
            length = rollback;
            throw new IllegalArgumentException("text longer than its " + bytes.length + "-byte buffer");
        }
    }

    /** The backing array; valid bytes are {@code [0, byteLength())}. */
    public byte[] bytes() {
        return bytes;
    }

    public int byteLength() {
        return length;
    }

    public int capacity() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Whether every byte is 7-bit ASCII. */
    public boolean isAscii() {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first CR or LF, or -1. */
    public int indexOfLineBreak() {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Length (in characters for ASCII, bytes otherwise) of this text as a CharSequence of its bytes. */
    @Override
    public int length() {
        return length;
    }

    /** The byte at {@code index} as a char (meaningful for ASCII content). */
    @Override
    public char charAt(int index) {
        if (index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (bytes[index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }

    /** Decodes the content as UTF-8 (allocates; for tests and diagnostics). */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
