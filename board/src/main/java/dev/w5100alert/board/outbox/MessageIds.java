package dev.w5100alert.board.outbox;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;

/**
 * Whether a Message-ID read back from the outbox is one the firmware will send, by the firmware's own rule
 * ({@link MailMessage#messageId(CharSequence)}): an unusable one is re-minted rather than made to fail every
 * attempt.
 */
final class MessageIds {
    private MessageIds() { }

    private static final MailMessage SCRATCH = new MailMessage(new MessageLimits(1, 1, 1, 1, 1024, 0));

    static synchronized boolean usable(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        try {
            SCRATCH.messageId(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        } finally {
            SCRATCH.messageId(null);
        }
    }
}
