package dev.w5100alert.firmware.mail;

/**
 * One outgoing message, reused for every alert: sender, recipients, subject, plain-text body and up to
 * {@link MessageLimits#maxAttachments()} attachments, each held in a {@link ByteText} allocated at
 * construction from {@link MessageLimits}.
 *
 * <p>Addresses are checked for mailbox syntax (and CR/LF) as they are set, so a bad address fails at the
 * caller, before any connection is opened. Header text is checked for CR/LF when the message is rendered,
 * which the engine does before it sends a byte. Filling a message allocates nothing.
 */
public final class MailMessage {

    private final ByteText from = new ByteText(Mailbox.MAX_LENGTH);
    private final ByteText[] recipients;
    private int recipientCount;
    private final ByteText subject;
    private final ByteText body;
    private final ByteText[] attachmentNames;
    private final ByteText[] attachmentTypes;
    private final ByteText[] attachments;
    private int attachmentCount;
    private final ByteText messageId = new ByteText(MAX_MESSAGE_ID);
    private long dateMillis;

    /** Longest Message-ID {@link #messageId(CharSequence)} takes, without the angle brackets. */
    public static final int MAX_MESSAGE_ID = 320;

    public MailMessage(MessageLimits limits) {
        recipients = new ByteText[limits.maxRecipients()];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new ByteText(Mailbox.MAX_LENGTH);
        }
        subject = new ByteText(limits.maxSubjectBytes());
        body = new ByteText(limits.maxBodyBytes());
        attachmentNames = new ByteText[limits.maxAttachments()];
        attachmentTypes = new ByteText[limits.maxAttachments()];
        attachments = new ByteText[limits.maxAttachments()];
        for (int i = 0; i < attachments.length; i++) {
            attachmentNames[i] = new ByteText(MessageLimits.MAX_ATTACHMENT_NAME);
            attachmentTypes[i] = new ByteText(MessageLimits.MAX_ATTACHMENT_NAME);
            attachments[i] = new ByteText(limits.maxAttachmentBytes());
        }
    }

    /** Empties everything, ready for the next alert. */
    public MailMessage clear() {
        from.clear();
        recipientCount = 0;
        subject.clear();
        body.clear();
        attachmentCount = 0;
        messageId.clear();
        dateMillis = 0;
        return this;
    }

    /**
     * Fixes the Message-ID the message is sent with (without the angle brackets), so that every attempt of one
     * alert carries the same id; null or empty: {@link MessageBuilder} generates one per render. The id must be
     * {@code left@right}, printable ASCII without spaces, quotes, backslashes or angle brackets.
     */
    public MailMessage messageId(CharSequence idOrNull) {
        if (idOrNull == null || idOrNull.length() == 0) {
            messageId.clear();
            return this;
        }
        String problem = messageIdProblem(idOrNull);
        if (problem != null) {
            throw new IllegalArgumentException("Message-ID " + problem);
        }
        messageId.set(idOrNull);
        return this;
    }

    /** The fixed Message-ID, empty when the builder generates one. */
    public ByteText messageId() {
        return messageId;
    }

    /** Fixes the Date header to this instant (epoch milliseconds); 0: the send time is used. */
    public MailMessage dateMillis(long millisOr0) {
        dateMillis = millisOr0;
        return this;
    }

    /** The fixed Date in epoch milliseconds, 0 when the send time is used. */
    public long dateMillis() {
        return dateMillis;
    }

    /** Why {@code id} cannot be a Message-ID (without brackets), or null when it can. */
    public static String messageIdProblem(CharSequence id) {
        int n = id.length();
        if (n > MAX_MESSAGE_ID) {
            return "longer than " + MAX_MESSAGE_ID + " characters";
        }
        int at = -1;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '"' || c == '\\') {
                return "holds a character outside printable ASCII or one of <>\"\\ at " + i;
            }
            if (c == '@') {
                if (at >= 0) {
                    return "holds more than one @";
                }
                at = i;
            }
        }
        if (at <= 0 || at == n - 1) {
            return "must be left@right";
        }
        return null;
    }

    /** Sets the envelope and header sender; refused unless it is a valid mailbox. */
    public MailMessage from(CharSequence address) {
        Mailbox.check(address, "sender");
        from.set(address);
        return this;
    }

    /** Adds a recipient; refused unless it is a valid mailbox and there is room. */
    public MailMessage addRecipient(CharSequence address) {
        Mailbox.check(address, "recipient");
        if (recipientCount == recipients.length) {
            throw new IllegalArgumentException("more than " + recipients.length + " recipients");
        }
        recipients[recipientCount++].set(address);
        return this;
    }

    /** The subject text, to fill in place (UTF-8; non-ASCII is sent as RFC 2047 encoded-words). */
    public ByteText subject() {
        return subject;
    }

    /** The plain-text body, to fill in place (UTF-8; any line ending style). */
    public ByteText body() {
        return body;
    }

    /**
     * Adds an attachment after those already there and returns its content buffer to fill. Name and type
     * are checked when the message is rendered.
     *
     * @param fileName    file name shown to the reader (ASCII, no quotes, CR or LF)
     * @param contentType MIME type such as {@code text/csv}
     * @throws IllegalArgumentException when the message already holds {@link MessageLimits#maxAttachments()}
     *                                  attachments, or a name does not fit; the message is left as it was
     */
    public ByteText attach(CharSequence fileName, CharSequence contentType) {
        if (attachmentCount == attachments.length) {
            throw new IllegalArgumentException("more than " + attachments.length + " attachments");
        }
        int i = attachmentCount;
        attachmentNames[i].set(fileName);
        attachmentTypes[i].set(contentType);
        attachmentCount++;
        return attachments[i].clear();
    }

    /** Drops every attachment, keeping sender, recipients, subject and body. */
    public MailMessage clearAttachments() {
        attachmentCount = 0;
        return this;
    }

    public ByteText from() {
        return from;
    }

    public int recipientCount() {
        return recipientCount;
    }

    public ByteText recipient(int i) {
        if (i >= recipientCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return recipients[i];
    }

    public boolean hasAttachment() {
        return attachmentCount > 0;
    }

    public int attachmentCount() {
        return attachmentCount;
    }

    public ByteText attachmentName(int i) {
        return attachmentNames[checkAttachment(i)];
    }

    public ByteText attachmentType(int i) {
        return attachmentTypes[checkAttachment(i)];
    }

    /** Content of attachment {@code i} (raw bytes; sent base64-encoded). */
    public ByteText attachment(int i) {
        return attachments[checkAttachment(i)];
    }

    private int checkAttachment(int i) {
        if (i < 0 || i >= attachmentCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
