package dev.w5100alert.firmware.smtp;

import dev.w5100alert.firmware.net.TcpLink;
import java.nio.charset.StandardCharsets;

/**
 * The classified end of one send, reused for every send (owned by the engine, overwritten by the next
 * {@link SmtpEngine#start}). Holds the outcome, the stage and cause, the server's last relevant reply
 * (code, enhanced code, text copied into a fixed buffer of {@link #MAX_TEXT} bytes) and, per recipient,
 * the RCPT TO reply code. Filling it allocates nothing; {@link #replyText()} and {@link #toString()} do.
 */
public final class SendResult {

    /** Bytes of reply text kept (longer text is cut). */
    public static final int MAX_TEXT = 512;

    private final byte[] text = new byte[MAX_TEXT];
    private final int[] recipientCodes;
    private Outcome outcome = Outcome.PENDING;
    private Stage stage = Stage.IDLE;
    private FailureCause cause = FailureCause.NONE;
    private TcpLink.Failure linkFailure = TcpLink.Failure.NONE;
    private int replyCode;
    private int enhancedClass;
    private int enhancedSubject;
    private int enhancedDetail;
    private int textLength;
    private int recipients;
    private String detail = "";

    SendResult(int maxRecipients) {
        recipientCodes = new int[maxRecipients];
    }

    void reset(int recipientCount) {
        outcome = Outcome.PENDING;
        stage = Stage.IDLE;
        cause = FailureCause.NONE;
        linkFailure = TcpLink.Failure.NONE;
        replyCode = 0;
        enhancedClass = 0;
        enhancedSubject = 0;
        enhancedDetail = 0;
        textLength = 0;
        recipients = recipientCount;
        detail = "";
        java.util.Arrays.fill(recipientCodes, 0);
    }

    void set(Outcome o, Stage s, FailureCause c) {
        outcome = o;
        stage = s;
        cause = c;
    }

    void reply(int code, int cls, int subject, int detail) {
        replyCode = code;
        enhancedClass = cls;
        enhancedSubject = subject;
        enhancedDetail = detail;
        textLength = 0;
    }

    void appendText(byte[] b, int off, int len) {
        if (textLength > 0 && textLength < MAX_TEXT) {
            text[textLength++] = ' ';
        }
        int n = Math.min(len, MAX_TEXT - textLength);
        System.arraycopy(b, off, text, textLength, n);
        textLength += n;
    }

    void detail(String constantText) {
        detail = constantText;
    }

    void linkFailure(TcpLink.Failure f) {
        linkFailure = f;
    }

    void recipientCode(int i, int code) {
        recipientCodes[i] = code;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }

    /** Where it ended: DATA_END for a delivery, the failing stage otherwise. */
    public Stage stage() {
        return stage;
    }

    public FailureCause cause() {
        return cause;
    }

    /** For CONNECT_FAILED and CONNECTION_LOST: what the link reported. */
    public TcpLink.Failure linkFailure() {
        return linkFailure;
    }

    /**
     * What went wrong in words, where the cause alone does not say it: for {@link FailureCause#PROTOCOL_ERROR}
     * the rule the reply broke ("reply line over 512 bytes"). Empty otherwise.
     */
    public String detail() {
        return detail;
    }

    /** The server's reply code that decided the outcome (0 when none, e.g. a timeout). */
    public int replyCode() {
        return replyCode;
    }

    /** RFC 3463 enhanced code of that reply, class 0 when the server sent none. */
    public int enhancedClass() {
        return enhancedClass;
    }

    public int enhancedSubject() {
        return enhancedSubject;
    }

    public int enhancedDetail() {
        return enhancedDetail;
    }

    /** Reply text buffer; valid bytes {@code [0, replyTextLength())}, lines joined by spaces. */
    public byte[] replyTextBytes() {
        return text;
    }

    public int replyTextLength() {
        return textLength;
    }

    /** Reply text as a String (allocates). */
    public String replyText() {
        return new String(text, 0, textLength, StandardCharsets.UTF_8);
    }

    /** Recipients of the message this result is about. */
    public int recipientCount() {
        return recipients;
    }

    /** RCPT TO reply code for recipient {@code i} (0 if it was never asked). */
    public int recipientCode(int i) {
        if (i >= recipients) {
            throw new IndexOutOfBoundsException(i);
        }
        return recipientCodes[i];
    }

    public boolean recipientAccepted(int i) {
        int c = recipientCode(i);
        return c == 250 || c == 251;
    }

    /** Recipients asked and refused. */
    public int refusedCount() {
        int n = 0;
        for (int i = 0; i < recipients; i++) {
            if (recipientCodes[i] != 0 && !recipientAccepted(i)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(outcome).append(" at ").append(stage);
        if (cause != FailureCause.NONE) {
            s.append(" (").append(cause);
            if (linkFailure != TcpLink.Failure.NONE) {
                s.append(' ').append(linkFailure);
            }
            if (!detail.isEmpty()) {
                s.append(": ").append(detail);
            }
            s.append(')');
        }
        if (replyCode != 0) {
            s.append(": ").append(replyCode).append(' ').append(replyText());
        }
        if (refusedCount() > 0) {
            s.append("; refused recipients:");
            for (int i = 0; i < recipients; i++) {
                if (recipientCodes[i] != 0 && !recipientAccepted(i)) {
                    s.append(" #").append(i).append('=').append(recipientCodes[i]);
                }
            }
        }
        return s.toString();
    }
}
