package dev.w5100alert.firmware.mail;

/**
 * One outgoing message, reused for every alert: sender, recipients, subject, plain-text body and at most one
 * attachment, each held in a {@link ByteText} allocated at construction from {@link MessageLimits}.
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
    private final ByteText attachmentName = new ByteText(MessageLimits.MAX_ATTACHMENT_NAME);
    private final ByteText attachmentType = new ByteText(MessageLimits.MAX_ATTACHMENT_NAME);
    private final ByteText attachment;
    private boolean hasAttachment;

    public MailMessage(MessageLimits limits) {
        recipients = new ByteText[limits.maxRecipients()];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new ByteText(Mailbox.MAX_LENGTH);
        }
        subject = new ByteText(limits.maxSubjectBytes());
        body = new ByteText(limits.maxBodyBytes());
        attachment = new ByteText(limits.maxAttachmentBytes());
    }

    /** Empties everything, ready for the next alert. */
    public MailMessage clear() {
        from.clear();
        recipientCount = 0;
        subject.clear();
        body.clear();
        clearAttachment();
        return this;
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
     * Starts the attachment and returns its content buffer to fill.
     *
     * @param fileName    file name shown to the reader (ASCII, no quotes, CR or LF)
     * @param contentType MIME type such as {@code text/csv}
     */
    public ByteText attach(CharSequence fileName, CharSequence contentType) {
        attachmentName.set(fileName);
        attachmentType.set(contentType);
        attachment.clear();
        hasAttachment = true;
        return attachment;
    }

    public MailMessage clearAttachment() {
        hasAttachment = false;
        attachmentName.clear();
        attachmentType.clear();
        attachment.clear();
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
        return hasAttachment;
    }

    public ByteText attachmentName() {
        return attachmentName;
    }

    public ByteText attachmentType() {
        return attachmentType;
    }

    public ByteText attachment() {
        return attachment;
    }
}
