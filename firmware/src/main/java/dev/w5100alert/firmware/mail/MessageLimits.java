package dev.w5100alert.firmware.mail;

/**
 * Sizes of every message buffer, fixed when the engine is built.
 *
 * @param maxRecipients      recipients per message
 * @param maxSubjectBytes    subject, UTF-8 bytes (at most 900 so that the header line stays under 998)
 * @param maxBodyBytes       body text, UTF-8 bytes
 * @param maxAttachmentBytes content bytes of each attachment (0 for none)
 * @param maxMessageBytes    the rendered message (headers, encoded body and attachments), CRLF line ends
 * @param maxAttachments     attachments per message (0..16); each gets its own buffer of
 *                           {@code maxAttachmentBytes}, allocated with the {@link MailMessage}
 */
public record MessageLimits(int maxRecipients, int maxSubjectBytes, int maxBodyBytes, int maxAttachmentBytes,
        int maxMessageBytes, int maxAttachments) {

    /** Most attachments a message may be built for. */
    public static final int MAX_ATTACHMENTS = 16;

    /** Longest attachment file name or content type. */
    public static final int MAX_ATTACHMENT_NAME = 64;

    /** Sizes that suit an alert box: 8 recipients, 8 KiB body, 4 attachments of 16 KiB, 48 KiB message. */
    public static final MessageLimits DEFAULT = new MessageLimits(8, 256, 8 * 1024, 16 * 1024, 48 * 1024, 4);

    /** Limits with room for one attachment (the form callers used before several were supported). */
    public MessageLimits(int maxRecipients, int maxSubjectBytes, int maxBodyBytes, int maxAttachmentBytes,
            int maxMessageBytes) {
        this(maxRecipients, maxSubjectBytes, maxBodyBytes, maxAttachmentBytes, maxMessageBytes, 1);
    }

    public MessageLimits {
        if (maxRecipients < 1 || maxRecipients > 100) {
            throw new IllegalArgumentException("maxRecipients must be 1..100: " + maxRecipients);
        }
        if (maxSubjectBytes < 1 || maxSubjectBytes > 900) {
            throw new IllegalArgumentException("maxSubjectBytes must be 1..900: " + maxSubjectBytes);
        }
        if (maxBodyBytes < 1 || maxAttachmentBytes < 0) {
            throw new IllegalArgumentException("body/attachment limits must be positive");
        }
        if (maxAttachments < 0 || maxAttachments > MAX_ATTACHMENTS) {
            throw new IllegalArgumentException("maxAttachments must be 0.." + MAX_ATTACHMENTS + ": " + maxAttachments);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024: " + maxMessageBytes);
        }
    }
}
