package dev.w5100alert.board.alert;

import java.util.List;

/**
 * One mail to send, as it is stored in the outbox: everything needed to build the message again
 * after a restart, so that a retry sends the same message.
 *
 * @param id            outbox sequence number, unique per outbox (0 until accepted)
 * @param createdMillis wall-clock time the alert was raised
 * @param csvName       attachment file name, or null for no attachment
 * @param csv           attachment content (UTF-8 text), or null
 * @param messageId     the Message-ID every attempt is sent with (without angle brackets), fixed when the
 *                      outbox accepts the alert; null before that
 * @param dateMillis    the Date header every attempt is sent with, fixed on acceptance; 0 before that
 */
public record Alert(long id, String sensor, long createdMillis, String subject, String body,
                    List<String> recipients, String csvName, String csv, String messageId, long dateMillis) {

    /** An alert not yet accepted: no Message-ID and Date yet. */
    public Alert(long id, String sensor, long createdMillis, String subject, String body,
                 List<String> recipients, String csvName, String csv) {
        this(id, sensor, createdMillis, subject, body, recipients, csvName, csv, null, 0);
    }

    public Alert withId(long newId) {
        return new Alert(newId, sensor, createdMillis, subject, body, recipients, csvName, csv, messageId, dateMillis);
    }

    /** The same alert with its Message-ID and Date fixed. */
    public Alert withMessage(String newMessageId, long newDateMillis) {
        return new Alert(id, sensor, createdMillis, subject, body, recipients, csvName, csv, newMessageId, newDateMillis);
    }

    public boolean hasAttachment() {
        return csv != null;
    }
}
