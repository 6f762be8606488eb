package dev.w5100alert.firmware.codec;

/**
 * Incremental SMTP reply decoder (RFC 5321 section 4.2): {@code *(code "-" text CRLF) code [SP text] CRLF}.
 *
 * <p>Feed it whatever the link delivered, in any pieces (one byte at a time is fine); it stops consuming
 * at the end of a complete reply so that bytes of a following reply stay with the caller. The reply's
 * lines are kept in one buffer allocated at construction.
 *
 * <p>Hard bounds: a line longer than {@code maxLineBytes} (CRLF included; RFC 5321 says 512), a reply
 * longer than {@code maxReplyBytes} in total or with more than {@code maxLines} lines ends in
 * {@link Status#ERROR} with a {@link Error} saying which bound was hit. So an endless or overlong stream
 * from a peer that is not an SMTP server costs at most one buffer and then fails cleanly. The parser
 * stays in error until {@link #reset()}. It never allocates after construction.
 *
 * <p>Bare LF is accepted as a line end and CR bytes are dropped: the reply text is only read, never
 * relayed, so leniency here costs nothing.
 */
public final class ReplyParser {

    /** Progress of the reply being decoded. */
    public enum Status { INCOMPLETE, COMPLETE, ERROR }

    /** Why a reply could not be decoded. */
    public enum Error { NONE, LINE_TOO_LONG, REPLY_TOO_LONG, TOO_MANY_LINES, MALFORMED }

    private final int maxLineBytes;
    private final byte[] text;
    private final int[] lineStart;
    private final int[] lineLength;

    private Status status = Status.INCOMPLETE;
    private Error error = Error.NONE;
    private int used;           // bytes stored in text (lines without CRLF)
    private int wireBytes;      // bytes of this reply seen on the wire, CRLF included
    private int lines;          // completed lines
    private int current;        // bytes of the current line seen so far (CR excluded)
    private int code;
    private int enhancedClass;
    private int enhancedSubject;
    private int enhancedDetail;

    /**
     * @param maxLineBytes  longest accepted line, CRLF included (at least 6)
     * @param maxReplyBytes longest accepted reply on the wire, all lines and CRLFs included
     * @param maxLines      most lines in one reply
     */
    public ReplyParser(int maxLineBytes, int maxReplyBytes, int maxLines) {
        if (maxLineBytes < 6 || maxReplyBytes < maxLineBytes || maxLines < 1) {
            throw new IllegalArgumentException("reply bounds too small: line " + maxLineBytes + ", reply "
                    + maxReplyBytes + ", lines " + maxLines);
        }
        this.maxLineBytes = maxLineBytes;
        this.text = new byte[maxReplyBytes];
        this.lineStart = new int[maxLines];
        this.lineLength = new int[maxLines];
    }

    /** Forgets the current reply (complete, partial or failed) and waits for the next one. */
    public void reset() {
        status = Status.INCOMPLETE;
        error = Error.NONE;
        used = 0;
        wireBytes = 0;
        lines = 0;
        current = 0;
        code = 0;
        enhancedClass = 0;
        enhancedSubject = 0;
        enhancedDetail = 0;
    }

    /**
     * Consumes bytes up to the end of the current reply.
     *
     * @return the number of bytes consumed from {@code buf[off, off+len)}; fewer than {@code len} when the
     *         reply completed or failed before the end of the input
     */
    public int feed(byte[] buf, int off, int len) {
        int i = 0;
        while (i < len && status == Status.INCOMPLETE) {
            byte b = buf[off + i];
            i++;
            wireBytes++;
            if (wireBytes > text.length) {
                fail(Error.REPLY_TOO_LONG);
            } else if (b == '\n') {
                endLine();
            } else if (b != '\r') {
                // +2 for the CRLF that must still come.
                if (current + 2 >= maxLineBytes) {
                    fail(Error.LINE_TOO_LONG);
                } else if (lines >= lineStart.length) {
                    fail(Error.TOO_MANY_LINES);
                } else {
                    if (current == 0) {
                        lineStart[lines] = used;
                    }
                    text[used++] = b;
                    current++;
                }
            }
        }
        return i;
    }

    private void endLine() {
        if (current == 0) {
            fail(Error.MALFORMED); // an empty line is not a reply line
            return;
        }
        int start = lineStart[lines];
        int length = current;
        current = 0;
        if (length < 3 || !digit(text[start]) || !digit(text[start + 1]) || !digit(text[start + 2])
                || text[start] < '1' || text[start] > '5' || text[start + 1] > '5') {
            fail(Error.MALFORMED);
            return;
        }
        int lineCode = (text[start] - '0') * 100 + (text[start + 1] - '0') * 10 + (text[start + 2] - '0');
        byte sep = length > 3 ? text[start + 3] : (byte) ' ';
        if (sep != ' ' && sep != '-') {
            fail(Error.MALFORMED);
            return;
        }
        if (lines == 0) {
            code = lineCode;
        } else if (lineCode != code) {
            fail(Error.MALFORMED); // all lines of one reply carry the same code
            return;
        }
        lineLength[lines] = length;
        lines++;
        if (sep == ' ') {
            parseEnhanced();
            status = Status.COMPLETE;
        } else if (lines >= lineStart.length) {
            fail(Error.TOO_MANY_LINES);
        }
    }

    /** RFC 3463: "class.subject.detail" at the start of the first line's text, class equal to the code's. */
    private void parseEnhanced() {
        int p = lineStart[0] + 4;
        int end = lineStart[0] + lineLength[0];
        if (p >= end || text[p] - '0' != code / 100) {
            return;
        }
        int cls = text[p] - '0';
        p++;
        if (p >= end || text[p] != '.') {
            return;
        }
        int subject = 0;
        int digits = 0;
        p++;
        while (p < end && digit(text[p]) && digits < 3) {
            subject = subject * 10 + text[p] - '0';
            p++;
            digits++;
        }
        if (digits == 0 || p >= end || text[p] != '.') {
            return;
        }
        int detail = 0;
        digits = 0;
        p++;
        while (p < end && digit(text[p]) && digits < 3) {
            detail = detail * 10 + text[p] - '0';
            p++;
            digits++;
        }
        if (digits == 0 || (p < end && text[p] != ' ')) {
            return;
        }
        enhancedClass = cls;
        enhancedSubject = subject;
        enhancedDetail = detail;
    }

    private void fail(Error e) {
        status = Status.ERROR;
        error = e;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    public Status status() {
        return status;
    }

    public Error error() {
        return error;
    }

    /** The three-digit reply code (valid when {@link Status#COMPLETE}). */
    public int code() {
        return code;
    }

    /** Whether the first line starts with an RFC 3463 enhanced status code. */
    public boolean hasEnhancedCode() {
        return enhancedClass != 0;
    }

    public int enhancedClass() {
        return enhancedClass;
    }

    public int enhancedSubject() {
        return enhancedSubject;
    }

    public int enhancedDetail() {
        return enhancedDetail;
    }

    /** Completed lines of the reply. */
    public int lineCount() {
        return lines;
    }

    /** The buffer holding the lines; read it with {@link #textStart(int)} / {@link #textLength(int)}. */
    public byte[] buffer() {
        return text;
    }

    /** Offset in {@link #buffer()} of line {@code i}'s text (after the code and separator). */
    public int textStart(int i) {
        return lineStart[i] + Math.min(4, lineLength[i]);
    }

    /** Length of line {@code i}'s text (may be 0 for a bare code). */
    public int textLength(int i) {
        return Math.max(0, lineLength[i] - 4);
    }

    /** Offset in {@link #buffer()} of line {@code i} as received, code included, CRLF excluded. */
    public int lineStart(int i) {
        return lineStart[i];
    }

    /** Length of line {@code i} as received, CRLF excluded. */
    public int lineLength(int i) {
        return lineLength[i];
    }

    /** Bytes stored in {@link #buffer()} so far: every line's text, code included, CRLF excluded. */
    public int storedLength() {
        return used;
    }

    /** Bytes of the current partial line (for transcripts of a failed reply). */
    public int partialStart() {
        return lines < lineStart.length && current > 0 ? lineStart[lines] : used;
    }

    public int partialLength() {
        return current;
    }
}
