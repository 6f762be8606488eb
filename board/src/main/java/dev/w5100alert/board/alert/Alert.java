package dev.w5100alert.board.alert;

import java.util.List;

/**
 * One mail to send, as it is stored in the outbox: everything needed to build the message again
 * after a restart, so that a retry sends the same text.
 *
 * @param id            outbox sequence number, unique per outbox (0 until accepted)
 * @param createdMillis wall-clock time the alert was raised (the Date header uses the send time)
 * @param csvName       attachment file name, or null for no attachment
 * @param csv           attachment content (UTF-8 text), or null
 */
public record Alert(long id, String sensor, long createdMillis, String subject, String body,
                    List<String> recipients, String csvName, String csv) {

    public Alert withId(long newId) {
        return new Alert(newId, sensor, createdMillis, subject, body, recipients, csvName, csv);
    }

    public boolean hasAttachment() {
        return csv != null;
    }
}
