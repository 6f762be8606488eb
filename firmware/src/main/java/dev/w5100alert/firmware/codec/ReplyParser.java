package dev.w5100alert.firmware.codec;

/**
 * Incremental SMTP reply decoder (RFC 5321 section 4.2): {@code *(code "-" text CRLF) code [SP text] CRLF},
 * delivered line by line.
 *
 * <p>Feed it whatever the link delivered, in any pieces (one byte at a time is fine). {@link #feed} stops
 * after each complete line: {@link Status#LINE} for a continuation line ({@code 250-...}),
 * {@link Status#COMPLETE} for the last line of the reply ({@code 250 ...}). Bytes after that line stay with the
 * caller. Only the current line is held, in one buffer allocated at construction; the next {@code feed} after a
 * {@code LINE} starts the next line in the same buffer. So a reply of any number of lines (a 200-line EHLO)
 * costs one line of memory; how long a peer may keep a reply going is the caller's deadline, not a line count.
 *
 * <p>Hard bound: a line longer than {@code maxLineBytes} (CRLF included; RFC 5321 section 4.5.3.1.5 says 512)
 * ends in {@link Status#ERROR} with {@link Error#LINE_TOO_LONG}; a line that is not a reply line ends in
 * {@link Error#MALFORMED}. {@link #errorText()} says which rule was broken, in words fit for a log. The parser
 * stays in error until {@link #reset()}. It never allocates after construction and never throws from
 * {@link #feed} for any input within the array bounds given.
 *
 * <p>Bare LF is accepted as a line end and CR bytes are dropped: the reply text is only read, never
 * relayed, so leniency here costs nothing.
 */
public final class ReplyParser {

    /** Progress of the reply being decoded. */
    public enum Status {
        /** The current line has no end yet. */
        INCOMPLETE,
        /** A continuation line is complete and readable; the reply goes on. */
        LINE,
        /** The last line of the reply is complete and readable. */
        COMPLETE,
        /** The input is not an SMTP reply (see {@link #error()}); nothing more is consumed until reset. */
        ERROR
    }

    /** Why a reply could not be decoded. */
    public enum Error { NONE, LINE_TOO_LONG, MALFORMED }

    private static final String EMPTY_LINE = "empty reply line";
    private static final String NO_CODE = "reply line does not start with a 3-digit reply code";
    private static final String BAD_SEPARATOR = "reply code followed by neither ' ' nor '-'";
    private static final String CODE_CHANGED = "reply lines with different codes in one reply";

    private final int maxLineBytes;
    private final String lineTooLong;
    private final byte[] line;

    private Status status = Status.INCOMPLETE;
    private Error error = Error.NONE;
    private String errorText = "";
    private int lineNumber;     // index in the reply of the line being read or just completed
    private int current;        // bytes of the current line seen so far (CR excluded)
    private int code;
    private int enhancedClass;
    private int enhancedSubject;
    private int enhancedDetail;

    /** @param maxLineBytes longest accepted line, CRLF included (at least 6) */
    public ReplyParser(int maxLineBytes) {
        if (maxLineBytes < 6) {
            throw new IllegalArgumentException("reply line bound too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.lineTooLong = "reply line over " + maxLineBytes + " bytes";
        this.line = new byte[maxLineBytes - 2];
    }

    /** Forgets the current reply (complete, partial or failed) and waits for the next one. */
    public void reset() {
        status = Status.INCOMPLETE;
        error = Error.NONE;
        errorText = "";
        lineNumber = 0;
        current = 0;
        code = 0;
        enhancedClass = 0;
        enhancedSubject = 0;
        enhancedDetail = 0;
    }

    /**
     * Consumes bytes up to the end of the current line. After a {@link Status#LINE} the next call starts the
     * next line of the same reply (the previous line's bytes are gone); after {@link Status#COMPLETE} or
     * {@link Status#ERROR} it consumes nothing until {@link #reset()}.
     *
     * @return the number of bytes consumed from {@code buf[off, off+len)}; fewer than {@code len} when a line
     *         ended or the reply failed before the end of the input
     */
    public int feed(byte[] buf, int off, int len) {
        if (status == Status.LINE) {
            status = Status.INCOMPLETE;
            current = 0;
            lineNumber = lineNumber == Integer.MAX_VALUE ? lineNumber : lineNumber + 1;
        }
        int i = 0;
        while (i < len && status == Status.INCOMPLETE) {
            byte b = buf[off + i];
            i++;
            if (b == '\n') {
                endLine();
            } else if (b != '\r') {
                // +2 for the CRLF that must still come.
                if (current + 2 >= maxLineBytes) {
                    fail(Error.LINE_TOO_LONG, lineTooLong);
                } else {
                    line[current++] = b;
                }
            }
        }
        return i;
    }

    private void endLine() {
        if (current == 0) {
            fail(Error.MALFORMED, EMPTY_LINE);
            return;
        }
        if (current < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2])
                || line[0] < '1' || line[0] > '5' || line[1] > '5') {
            fail(Error.MALFORMED, NO_CODE);
            return;
        }
        int lineCode = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        byte sep = current > 3 ? line[3] : (byte) ' ';
        if (sep != ' ' && sep != '-') {
            fail(Error.MALFORMED, BAD_SEPARATOR);
            return;
        }
        if (lineNumber == 0) {
            code = lineCode;
            parseEnhanced();
        } else if (lineCode != code) {
            fail(Error.MALFORMED, CODE_CHANGED);
            return;
        }
        status = sep == ' ' ? Status.COMPLETE : Status.LINE;
    }

    /** RFC 3463: "class.subject.detail" at the start of the first line's text, class equal to the code's. */
    private void parseEnhanced() {
        int p = 4;
        int end = current;
        if (p >= end || line[p] - '0' != code / 100) {
            return;
        }
        int cls = line[p] - '0';
        p++;
        if (p >= end || line[p] != '.') {
            return;
        }
        int subject = 0;
        int digits = 0;
        p++;
        while (p < end && digit(line[p]) && digits < 3) {
            subject = subject * 10 + line[p] - '0';
            p++;
            digits++;
        }
        if (digits == 0 || p >= end || line[p] != '.') {
            return;
        }
        int detail = 0;
        digits = 0;
        p++;
        while (p < end && digit(line[p]) && digits < 3) {
            detail = detail * 10 + line[p] - '0';
            p++;
            digits++;
        }
        if (digits == 0 || (p < end && line[p] != ' ')) {
            return;
        }
        enhancedClass = cls;
        enhancedSubject = subject;
        enhancedDetail = detail;
    }

    private void fail(Error e, String text) {
        status = Status.ERROR;
        error = e;
        errorText = text;
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

    /** What was wrong, e.g. "reply line over 512 bytes" (a constant; empty while there is no error). */
    public String errorText() {
        return errorText;
    }

    /** The longest accepted line, CRLF included. */
    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** The three-digit reply code (valid from the first {@link Status#LINE} or {@link Status#COMPLETE}). */
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

    /** Index of the current line within the reply: 0 for the first (saturates, never wraps). */
    public int lineNumber() {
        return lineNumber;
    }

    /**
     * The buffer holding the current line (code included, CRLF excluded) from offset 0; valid while
     * {@link #status()} is LINE or COMPLETE, and as a partial line after an ERROR. The caller may overwrite
     * bytes in place (to mask them) before reading them.
     */
    public byte[] buffer() {
        return line;
    }

    /** Length of the current line as received, CRLF excluded (or of the partial line after an ERROR). */
    public int lineLength() {
        return current;
    }

    /** Offset in {@link #buffer()} of the current line's text (after the code and separator). */
    public int textStart() {
        return Math.min(4, current);
    }

    /** Length of the current line's text (0 for a bare code). */
    public int textLength() {
        return Math.max(0, current - 4);
    }
}
