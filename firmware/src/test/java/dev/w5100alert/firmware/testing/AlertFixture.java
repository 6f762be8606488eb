package dev.w5100alert.firmware.testing;

import dev.w5100alert.firmware.mail.Alert;
import dev.w5100alert.firmware.mail.AlertFormatter;
import dev.w5100alert.firmware.mail.ByteText;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;

/**
 * What the board does per alert, allocation-free: fill the reused {@link Alert}, render it into the reused
 * {@link MailMessage}, add a CSV of recent readings. Shared by the allocation test and the benchmark.
 */
public final class AlertFixture {

    public final Alert alert = new Alert(512);
    public final MailMessage message = new MailMessage(MessageLimits.DEFAULT);
    private final AlertFormatter formatter = new AlertFormatter(0);
    private long count;

    public AlertFixture() {
        message.from("alert@example.org").addRecipient("ops@example.org").addRecipient("oncall@example.net");
    }

    /** Fills alert number {@code count} (state alternates) for the given event time. */
    public MailMessage next(long epochMillis) {
        count++;
        alert.clear().sensor("front-door").state((count & 1) == 0 ? "CLOSED" : "OPEN").eventTime(epochMillis)
                .count(count);
        alert.text().append("Readings of the last minute are attached.\n.dot line\n");
        formatter.render(alert, message);
        ByteText csv = message.clearAttachments().attach("readings.csv", "text/csv");
        csv.append("time_ms,sensor,state\r\n");
        for (int i = 0; i < 20; i++) {
            csv.append(epochMillis - i * 1000L).append(",front-door,").append((i & 1) == 0 ? "OPEN" : "CLOSED")
                    .append("\r\n");
        }
        return message;
    }
}
