package dev.w5100alert.firmware.mail;

import dev.w5100alert.firmware.codec.Ascii;
import dev.w5100alert.firmware.codec.Base64;

/**
 * Renders a {@link MailMessage} as an RFC 5322 / MIME message into one buffer allocated at construction.
 *
 * <p>Headers: Date (from the caller's clock, RFC 5322 format, or the message's fixed
 * {@link MailMessage#dateMillis()}), From, To, Subject (RFC 2047 "B" encoded-words when not plain ASCII),
 * Message-ID (the message's fixed {@link MailMessage#messageId()}, else {@code <millis.counter.nonce@domain>}:
 * the 64-bit nonce is drawn once per boot, so ids stay unique across reboots even if the clock is wrong;
 * {@link #newMessageId} mints the same shape once for a caller that stores it), MIME-Version,
 * Content-Type {@code text/plain; charset=UTF-8} and a transfer encoding that fits: 7bit for short-lined
 * ASCII, 8bit only when the server offered 8BITMIME, quoted-printable otherwise. With attachments the
 * message is multipart/mixed, the text first, then each attachment as base64 in 76-character lines.
 *
 * <p>Every line ends in CRLF and no line exceeds 998 bytes. Header text holding CR or LF and a message
 * that does not fit the buffer are refused with {@link IllegalArgumentException}. Rendering allocates
 * nothing.
 */
public final class MessageBuilder {

    /** How the text body was encoded by the last {@link #render}. */
    public enum BodyEncoding { SEVEN_BIT, EIGHT_BIT, QUOTED_PRINTABLE }

    /** RFC 5322 section 2.1.1: at most 998 characters per line, CRLF excluded. */
    public static final int MAX_LINE = 998;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int B64_LINE_INPUT = 57; // 57 bytes -> 76 characters
    // RFC 2047 section 2: an encoded-word is at most 75 characters, and a header line holding one at most 76.
    // 39 bytes -> 52 base64 characters -> a 64-character word, so even "Subject: " + word is 73.
    private static final int SUBJECT_WORD_INPUT = 39;

    private final byte[] out;
    private final long bootNonce;
    private final ByteText idDomain;
    private final int zoneOffsetMinutes;
    private int pos;
    private BodyEncoding bodyEncoding = BodyEncoding.SEVEN_BIT;

    /**
     * @param capacity          bytes of the rendered message buffer
     * @param bootNonce         random number drawn once per boot (Message-ID uniqueness across reboots)
     * @param messageIdDomain   domain after '@' in Message-ID, or null for the sender's domain
     * @param zoneOffsetMinutes zone of the Date header, minutes east of UTC
     */
    public MessageBuilder(int capacity, long bootNonce, CharSequence messageIdDomain, int zoneOffsetMinutes) {
        out = new byte[capacity];
        this.bootNonce = bootNonce;
        this.zoneOffsetMinutes = zoneOffsetMinutes;
        if (messageIdDomain != null) {
            String problem = Mailbox.problem("x@" + messageIdDomain);
            if (problem != null) {
                throw new IllegalArgumentException("Message-ID domain is not valid: " + problem);
            }
            idDomain = new ByteText(Mailbox.MAX_LENGTH).append(messageIdDomain);
        } else {
            idDomain = null;
        }
        MailDate.write(0, zoneOffsetMinutes, new byte[MailDate.LENGTH], 0); // validates the offset now
    }

    /**
     * Checks everything that could make the message unsafe to send (CR/LF in header text, missing sender or
     * recipients, odd attachment name), with a message naming the fault.
     */
    public static void validate(MailMessage m) {
        if (m.from().isEmpty()) {
            throw new IllegalArgumentException("message has no sender");
        }
        if (m.recipientCount() == 0) {
            throw new IllegalArgumentException("message has no recipients");
        }
        if (m.subject().indexOfLineBreak() >= 0) {
            throw new IllegalArgumentException("CR or LF in the subject");
        }
        for (int i = 0; i < m.attachmentCount(); i++) {
            checkToken(m.attachmentName(i), "attachment file name", false);
            checkToken(m.attachmentType(i), "attachment content type", true);
        }
    }

    private static void checkToken(ByteText t, String what, boolean mimeType) {
        if (t.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        byte[] b = t.bytes();
        int slashes = 0;
        for (int i = 0; i < t.byteLength(); i++) {
            int c = b[i];
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("CR or LF in the " + what);
            }
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\' || (mimeType && (c == ' ' || c == ';'))) {
                throw new IllegalArgumentException(what + " must be printable ASCII without quotes");
            }
            slashes += c == '/' ? 1 : 0;
        }
        if (mimeType && slashes != 1) {
            throw new IllegalArgumentException(what + " must look like type/subtype");
        }
    }

    /**
     * Mints a Message-ID once, for a caller that stores it with the alert and sets it with
     * {@link MailMessage#messageId(CharSequence)} on every attempt: {@code millis.sequence.nonce@domain}
     * without the brackets, the same shape the builder generates. Unique as long as ({@code sequence},
     * {@code nonce}) is: use a counter that survives restarts (the alert's id) or a nonce drawn per boot.
     * Allocates (it returns a String); call it when the alert is accepted, not on the send path.
     *
     * @param domain the part after '@' (e.g. the sender's domain)
     * @throws IllegalArgumentException when {@code domain} is not a dot-atom domain
     */
    public static String newMessageId(long epochMillis, long sequence, long nonce, CharSequence domain) {
        String id = Math.max(0, epochMillis) + "." + Math.max(0, sequence) + "."
                + String.format("%016x", nonce) + "@" + domain;
        String problem = messageIdProblem(id);
        if (problem != null) {
            throw new IllegalArgumentException("Message-ID " + problem);
        }
        return id;
    }

    /**
     * Why {@code id} is not a msg-id body (RFC 5322 section 3.6.4, dot-atom forms only): null when it is
     * {@code dot-atom-text "@" dot-atom-text} and at most {@link MailMessage#MAX_MESSAGE_ID} bytes.
     */
    static String messageIdProblem(CharSequence id) {
        int n = id.length();
        if (n > MailMessage.MAX_MESSAGE_ID) {
            return "is longer than " + MailMessage.MAX_MESSAGE_ID + " characters";
        }
        int at = -1;
        for (int i = 0; i < n; i++) {
            if (id.charAt(i) == '@') {
                if (at >= 0) {
                    return "has more than one '@'";
                }
                at = i;
            }
        }
        if (at < 0) {
            return "has no '@' (expected id-left@id-right, without angle brackets)";
        }
        if (!dotAtom(id, 0, at) || !dotAtom(id, at + 1, n)) {
            return "must be dot-atom text on both sides of '@' (letters, digits, !#$%&'*+-/=?^_`{|}~ and "
                    + "single dots; no spaces, brackets, CR or LF)";
        }
        return null;
    }

    private static boolean dotAtom(CharSequence s, int from, int to) {
        if (from >= to || s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean atext = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
            if (c == '.') {
                if (s.charAt(i - 1) == '.') {
                    return false;
                }
            } else if (!atext) {
                return false;
            }
        }
        return true;
    }

    /**
     * Renders the message.
     *
     * @param eightBitAllowed whether the server offered 8BITMIME
     * @param epochMillis     time for the Date header (unless the message has a fixed {@link MailMessage#dateMillis()})
     * @param messageNumber   per-boot message counter for Message-ID (keep it when re-rendering the same mail)
     * @return the message length in {@link #buffer()}
     */
    public int render(MailMessage m, boolean eightBitAllowed, long epochMillis, long messageNumber) {
        validate(m);
        pos = 0;
        ByteText body = m.body();
        boolean ascii = body.isAscii();
        boolean shortLines = longestLine(body) <= MAX_LINE;
        if (ascii && shortLines) {
            bodyEncoding = BodyEncoding.SEVEN_BIT;
        } else if (!ascii && shortLines && eightBitAllowed) {
            bodyEncoding = BodyEncoding.EIGHT_BIT;
        } else {
            bodyEncoding = BodyEncoding.QUOTED_PRINTABLE;
        }

        put("Date: ");
        ensure(MailDate.LENGTH);
        pos = MailDate.write(m.dateMillis() != 0 ? m.dateMillis() : epochMillis, zoneOffsetMinutes, out, pos);
        crlf();
        put("From: ");
        put(m.from());
        crlf();
        put("To: ");
        for (int i = 0; i < m.recipientCount(); i++) {
            if (i > 0) {
                put(",\r\n "); // one address per folded line keeps every line short
            }
            put(m.recipient(i));
        }
        crlf();
        writeSubject(m.subject());
        put("Message-ID: <");
        if (!m.messageId().isEmpty()) {
            put(m.messageId());
            put(">\r\nMIME-Version: 1.0\r\n");
        } else {
            generatedMessageId(m, epochMillis, messageNumber);
        }
        if (m.hasAttachment()) {
            put("Content-Type: multipart/mixed; boundary=\"");
            boundary(messageNumber);
            put("\"\r\n\r\nThis is a MIME message with attachments.\r\n--");
            boundary(messageNumber);
            crlf();
            writeTextPart(body);
            for (int i = 0; i < m.attachmentCount(); i++) {
                writeAttachmentPart(m, i, messageNumber);
            }
            put("--");
            boundary(messageNumber);
            put("--\r\n");
        } else {
            writeTextPart(body);
        }
        return pos;
    }

    /** {@code millis.counter.nonce@domain>} and the MIME-Version line, for a message without a fixed ID. */
    private void generatedMessageId(MailMessage m, long epochMillis, long messageNumber) {
        ensure(20 + 1 + 20 + 1 + 16);
        pos = Ascii.putLong(out, pos, Math.max(0, epochMillis));
        out[pos++] = '.';
        pos = Ascii.putLong(out, pos, messageNumber);
        out[pos++] = '.';
        pos = Ascii.putHex(out, pos, bootNonce, 16);
        put("@");
        if (idDomain != null) {
            put(idDomain);
        } else {
            ByteText from = m.from();
            int at = lastAt(from);
            put(from.bytes(), at + 1, from.byteLength() - at - 1);
        }
        put(">\r\nMIME-Version: 1.0\r\n");
    }

    /** Encoding chosen by the last render. */
    public BodyEncoding bodyEncoding() {
        return bodyEncoding;
    }

    public byte[] buffer() {
        return out;
    }

    public int capacity() {
        return out.length;
    }

    private void writeTextPart(ByteText body) {
        put("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: ");
        switch (bodyEncoding) {
            case SEVEN_BIT -> put("7bit\r\n\r\n");
            case EIGHT_BIT -> put("8bit\r\n\r\n");
            case QUOTED_PRINTABLE -> put("quoted-printable\r\n\r\n");
        }
        if (bodyEncoding == BodyEncoding.QUOTED_PRINTABLE) {
            writeQuotedPrintable(body);
        } else {
            writeNormalised(body);
        }
    }

    private void writeAttachmentPart(MailMessage m, int i, long messageNumber) {
        put("--");
        boundary(messageNumber);
        put("\r\nContent-Type: ");
        put(m.attachmentType(i));
        put("; name=\"");
        put(m.attachmentName(i));
        put("\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"");
        put(m.attachmentName(i));
        put("\"\r\n\r\n");
        writeBase64Lines(m.attachment(i));
    }

    private void boundary(long messageNumber) {
        put("=_w5100alert_");
        ensure(16 + 1 + 16);
        pos = Ascii.putHex(out, pos, bootNonce, 16);
        out[pos++] = '_';
        pos = Ascii.putHex(out, pos, messageNumber, 16);
    }

    private void writeSubject(ByteText subject) {
        put("Subject: ");
        byte[] b = subject.bytes();
        int n = subject.byteLength();
        if (plainHeaderText(b, n)) {
            put(b, 0, n);
            crlf();
            return;
        }
        int i = 0;
        while (i < n) {
            int end = Math.min(n, i + SUBJECT_WORD_INPUT);
            while (end < n && end > i + 1 && (b[end] & 0xC0) == 0x80) {
                end--; // never split a UTF-8 sequence between two encoded-words
            }
            if (i > 0) {
                put("\r\n ");
            }
            put("=?UTF-8?B?");
            ensure(Base64.encodedLength(end - i));
            pos += Base64.encode(b, i, end - i, out, pos);
            put("?=");
            i = end;
        }
        crlf();
    }

    /** Printable ASCII that cannot be mistaken for an encoded-word. */
    private static boolean plainHeaderText(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] < 0x20 && b[i] != '\t' || b[i] == 0x7F || b[i] < 0) {
                return false;
            }
            if (b[i] == '=' && i + 1 < n && b[i + 1] == '?') {
                return false;
            }
        }
        return true;
    }

    private static int longestLine(ByteText t) {
        byte[] b = t.bytes();
        int longest = 0;
        int current = 0;
        for (int i = 0; i < t.byteLength(); i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                current = 0;
            } else {
                current++;
                longest = Math.max(longest, current);
            }
        }
        return longest;
    }

    /** Copies the body with every line ending as CRLF and a final CRLF. */
    private void writeNormalised(ByteText body) {
        byte[] b = body.bytes();
        int n = body.byteLength();
        boolean lineOpen = false;
        for (int i = 0; i < n; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && b[i + 1] == '\n') {
                    i++;
                }
                crlf();
                lineOpen = false;
            } else {
                ensure(1);
                out[pos++] = c;
                lineOpen = true;
            }
        }
        if (lineOpen) {
            crlf();
        }
    }

    /** RFC 2045 section 6.7 quoted-printable, lines at most 76 characters with the soft break. */
    private void writeQuotedPrintable(ByteText body) {
        byte[] b = body.bytes();
        int n = body.byteLength();
        int lineLength = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && b[i + 1] == '\n') {
                    i++;
                }
                crlf();
                lineLength = 0;
                continue;
            }
            boolean lineEndFollows = i + 1 == n || b[i + 1] == '\r' || b[i + 1] == '\n';
            boolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lineEndFollows);
            int token = literal ? 1 : 3;
            if (lineLength + token > 75) {
                put("=\r\n");
                lineLength = 0;
            }
            ensure(token);
            if (literal) {
                out[pos++] = (byte) c;
            } else {
                out[pos++] = '=';
                out[pos++] = HEX[c >>> 4];
                out[pos++] = HEX[c & 0xF];
            }
            lineLength += token;
        }
        if (lineLength > 0) {
            crlf();
        }
    }

    private void writeBase64Lines(ByteText data) {
        byte[] b = data.bytes();
        int n = data.byteLength();
        for (int i = 0; i < n; i += B64_LINE_INPUT) {
            int len = Math.min(B64_LINE_INPUT, n - i);
            ensure(Base64.encodedLength(len) + 2);
            pos += Base64.encode(b, i, len, out, pos);
            crlf();
        }
    }

    private static int lastAt(ByteText t) {
        for (int i = t.byteLength() - 1; i >= 0; i--) {
            if (t.bytes()[i] == '@') {
                return i;
            }
        }
        throw new IllegalArgumentException("sender has no '@'");
    }

    private void ensure(int n) {
        if (pos + n > out.length) {
            throw new IllegalArgumentException("message does not fit the " + out.length + "-byte message buffer");
        }
    }

    private void put(String s) {
        ensure(s.length());
        pos = Ascii.putAscii(out, pos, s);
    }

    private void put(ByteText t) {
        put(t.bytes(), 0, t.byteLength());
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, out, pos, len);
        pos += len;
    }

    private void crlf() {
        ensure(2);
        out[pos++] = '\r';
        out[pos++] = '\n';
    }
}
