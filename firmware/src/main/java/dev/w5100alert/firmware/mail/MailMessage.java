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

    /** Longest Message-ID accepted by {@link #messageId(CharSequence)}, without the angle brackets. */
    public static final int MAX_MESSAGE_ID = 250;

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
     * Fixes the Message-ID (without the angle brackets: {@code id-left@id-right}, both dot-atom text, at most
     * {@link #MAX_MESSAGE_ID} bytes), so that every attempt to send one alert carries the same ID and a
     * duplicate from at-least-once delivery can be recognised. Null or empty: generated per render, as without
     * this call. Mint one with {@link MessageBuilder#newMessageId}.
     *
     * @throws IllegalArgumentException when the text is not a valid msg-id (RFC 5322 section 3.6.4); the
     *                                  message keeps its previous value
     */
    public MailMessage messageId(CharSequence idOrNull) {
        if (idOrNull == null || idOrNull.length() == 0) {
            messageId.clear();
            return this;
        }
        String problem = MessageBuilder.messageIdProblem(idOrNull);
        if (problem != null) {
            throw new IllegalArgumentException("Message-ID " + problem);
        }
        messageId.set(idOrNull);
        return this;
    }

    /** The fixed Message-ID (empty when it is generated per render). */
    public ByteText messageId() {
        return messageId;
    }

    /**
     * Fixes the Date header to this instant (milliseconds since the epoch), for the same reason as
     * {@link #messageId(CharSequence)}: the first attempt's Date on every retry. 0: the sender's clock at
     * render time, as without this call.
     */
    public MailMessage dateMillis(long millisOr0) {
        if (millisOr0 < 0) {
            throw new IllegalArgumentException("Date before 1970: " + millisOr0);
        }
        dateMillis = millisOr0;
        return this;
    }

    /** The fixed Date in epoch milliseconds, 0 when it comes from the clock. */
    public long dateMillis() {
        return dateMillis;
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
