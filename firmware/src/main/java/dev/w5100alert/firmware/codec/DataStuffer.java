package dev.w5100alert.firmware.codec;

/**
 * Streams message content into the DATA phase (RFC 5321 section 4.5.2): every line ending becomes CRLF
 * (bare CR, bare LF and CRLF alike), a line starting with '.' gets one more '.', and
 * {@link #finish} adds the CRLF the content may lack and the {@code .CRLF} terminator.
 *
 * <p>Incremental: {@link #stuff} copies as much as fits into the destination and reports how far it got,
 * so the caller can hand the link only what it accepts. The state (line start, pending CR) lives in two
 * fields; no allocation.
 */
public final class DataStuffer {

    private boolean atLineStart = true;
    private boolean afterCr;
    private int srcPos;

    /** Starts a new message. */
    public void reset() {
        atLineStart = true;
        afterCr = false;
        srcPos = 0;
    }

    /** Offset into the source reached by the last {@link #stuff} call (relative to its {@code off}). */
    public int consumed() {
        return srcPos;
    }

    /**
     * Copies {@code src[off+consumed(), off+len)} into {@code dst[dstOff, dstEnd)}, stuffed and normalised.
     *
     * @return the new end offset in {@code dst}; {@link #consumed()} tells how much source was used
     */
    public int stuff(byte[] src, int off, int len, byte[] dst, int dstOff, int dstEnd) {
        int d = dstOff;
        while (srcPos < len && d + 2 <= dstEnd) {
            byte b = src[off + srcPos];
            srcPos++;
            if (b == '\r') {
                dst[d++] = '\r';
                dst[d++] = '\n';
                atLineStart = true;
                afterCr = true;
            } else if (b == '\n') {
                if (!afterCr) {
                    dst[d++] = '\r';
                    dst[d++] = '\n';
                    atLineStart = true;
                }
                afterCr = false;
            } else {
                afterCr = false;
                if (atLineStart && b == '.') {
                    dst[d++] = '.';
                }
                dst[d++] = b;
                atLineStart = false;
            }
        }
        return d;
    }

    /** Bytes {@link #finish} will write: the missing CRLF (if any) and ".CRLF". */
    public int finishLength() {
        return atLineStart ? 3 : 5;
    }

    /** Writes the terminator; the caller ensures {@link #finishLength()} bytes fit. Returns the end. */
    public int finish(byte[] dst, int dstOff) {
        int d = dstOff;
        if (!atLineStart) {
            dst[d++] = '\r';
            dst[d++] = '\n';
        }
        dst[d++] = '.';
        dst[d++] = '\r';
        dst[d++] = '\n';
        atLineStart = true;
        return d;
    }
}
