package dev.w5100alert.firmware.mail;

/**
 * Fills a {@link MailMessage}'s subject and body from an {@link Alert}, allocation-free. The board may
 * use its own templates instead; this is the default wording:
 *
 * <pre>
 * Subject: [alert] door: OPEN
 *
 * Sensor: door
 * State: OPEN
 * Time: Sun, 22 Nov 2026 20:49:41 +0000
 * Changes: 1
 *
 * (free text)
 * </pre>
 */
public final class AlertFormatter {

    private final int zoneOffsetMinutes;
    private final byte[] date = new byte[MailDate.LENGTH];

    public AlertFormatter(int zoneOffsetMinutes) {
        this.zoneOffsetMinutes = zoneOffsetMinutes;
        MailDate.write(0, zoneOffsetMinutes, date, 0);
    }

    /** Replaces the message's subject and body; sender, recipients and attachment are left alone. */
    public void render(Alert alert, MailMessage m) {
        m.subject().clear().append("[alert] ").append(alert.sensor()).append(": ").append(alert.state());
        ByteText body = m.body().clear();
        body.append("Sensor: ").append(alert.sensor()).append("\r\nState: ").append(alert.state());
        MailDate.write(alert.eventTime(), zoneOffsetMinutes, date, 0);
        body.append("\r\nTime: ").append(date, 0, MailDate.LENGTH);
        body.append("\r\nChanges: ").append(alert.count()).append("\r\n");
        if (!alert.text().isEmpty()) {
            body.append("\r\n").append(alert.text()).append("\r\n");
        }
    }
}
