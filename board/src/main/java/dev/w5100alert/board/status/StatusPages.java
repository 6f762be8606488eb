package dev.w5100alert.board.status;

import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.firmware.http.ResponseBody;
import dev.w5100alert.firmware.http.StatusContent;
import dev.w5100alert.hal.Clock;

/**
 * The board's status page (HTML with a 24 h chart per sensor), the same facts as JSON, and Prometheus metrics
 * (text exposition format 0.0.4), written from the {@link StatusModel} and the outbox into the responder's
 * fixed buffer. Nothing here allocates: numbers and times are written as ASCII digits.
 *
 * <p>What is on the pages is listed in docs/status.md; no credential, configuration secret or recipient
 * address is among it.
 */
public final class StatusPages implements StatusContent {

    private static final long DAY_MILLIS = 86_400_000L;

    private final StatusModel m;
    private final Outbox outbox;
    private final Clock clock;

    public StatusPages(StatusModel model, Outbox outbox, Clock clock) {
        this.m = model;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public void write(Resource resource, long nowNanos, ResponseBody out) {
        long now = clock.epochMillis();
        long uptime = (nowNanos - m.startNanos) / 1_000_000L;
        switch (resource) {
            case PAGE -> html(out, now, uptime);
            case JSON -> json(out, now, uptime);
            case METRICS -> metrics(out, now, uptime);
        }
    }

    // ------------------------------------------------------------------ HTML

    private void html(ResponseBody o, long now, long uptime) {
        o.ascii("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta http-equiv=\"refresh\" content=\"30\"><link rel=\"icon\" href=\"data:,\">"
                + "<title>W5100 alert status</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:0 auto;padding:1em;max-width:44em;line-height:1.4;"
                + "color:#222}h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.2em 0 .3em}"
                + "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25em .4em;"
                + "border-bottom:1px solid #ddd;vertical-align:top}.on{color:#b00020;font-weight:600}"
                + ".off{color:#1b5e20}.muted{color:#666;font-size:.9em}svg{display:block;width:100%;height:1.4em}"
                + "code{word-break:break-all}</style></head><body>\n");
        o.ascii("<h1>W5100 alert</h1><p class=\"muted\">Board ").html(m.ip).ascii(" &middot; up ");
        duration(o, uptime);
        o.ascii(" &middot; board time ");
        iso(o, now);
        o.ascii("</p>\n<h2>Sensors</h2><table><tr><th>Sensor</th><th>State</th><th>Last change</th></tr>\n");
        for (int i = 0; i < m.names.length; i++) {
            boolean a = m.active[i];
            o.ascii("<tr><td>").html(m.names[i]).ascii("</td><td class=\"").ascii(a ? "on" : "off").ascii("\">")
                    .html(a ? m.activeNames[i] : m.inactiveNames[i]).ascii("</td><td>");
            if (m.lastChangeMillis[i] < 0) {
                o.ascii("none since start");
            } else {
                iso(o, m.lastChangeMillis[i]);
                o.ascii(" <span class=\"muted\">(");
                duration(o, now - m.lastChangeMillis[i]);
                o.ascii(" ago)</span>");
            }
            o.ascii("</td></tr>\n<tr><td colspan=\"3\">");
            chart(o, i, now);
            o.ascii("<span class=\"muted\">last 24 h: ").number(changesWithin(i, now)).ascii(" change(s)</span>"
                    + "</td></tr>\n");
        }
        o.ascii("</table>\n<h2>Outbox</h2><p>");
        int q = outbox.pendingCount();
        o.number(q).ascii(q == 1 ? " alert queued" : " alerts queued");
        long oldest = outbox.oldestCreatedMillis();
        if (oldest >= 0) {
            o.ascii("; oldest from ");
            iso(o, oldest);
            o.ascii(" (");
            duration(o, Math.max(0, now - oldest));
            o.ascii(" ago)");
        }
        o.ascii("</p>\n<h2>Mail</h2><table>");
        o.ascii("<tr><td>Alerts accepted</td><td>").number(m.accepted).ascii("</td></tr>");
        o.ascii("<tr><td>Delivered</td><td>").number(m.delivered).ascii("</td></tr>");
        o.ascii("<tr><td>Failed for good</td><td>").number(m.failed).ascii("</td></tr>");
        o.ascii("<tr><td>Attempts</td><td>");
        for (int k = 0; k < StatusModel.OUTCOMES.length; k++) {
            o.ascii(k == 0 ? "" : ", ").ascii(StatusModel.OUTCOMES[k]).put(' ').number(m.attempts[k]);
        }
        o.ascii("</td></tr><tr><td>Last delivery</td><td>");
        if (m.lastDeliveryMillis < 0) {
            o.ascii("none since start");
        } else {
            iso(o, m.lastDeliveryMillis);
        }
        o.ascii("</td></tr><tr><td>Last failure</td><td>");
        if (m.lastFailureMillis < 0) {
            o.ascii("none since start");
        } else {
            iso(o, m.lastFailureMillis);
            o.ascii(" (").html(m.lastFailureSensor).ascii("): <code>").html(m.lastFailure).ascii("</code>");
        }
        o.ascii("</td></tr></table>\n<h2>Board</h2><table>");
        o.ascii("<tr><td>Address</td><td>").html(m.ip).ascii(" / ").html(m.subnet).ascii(" via ").html(m.gateway)
                .ascii(" (").html(m.networkMode).ascii(")</td></tr><tr><td>Lease</td><td>")
                .html(m.lease == null ? "none (static address)" : m.lease).ascii("</td></tr>");
        o.ascii("<tr><td>DNS</td><td>").html(m.dns == null ? "not used (the mail server is configured by address)"
                : m.dns).ascii("</td></tr>");
        o.ascii("<tr><td>Clock</td><td>").html(m.clockSource.equals("system") ? "the Pi's system clock" : m.clockSource)
                .ascii("</td></tr>");
        o.ascii("<tr><td>Chip resets</td><td>").number(m.chipResets);
        if (m.chipResetFailures > 0) {
            o.ascii(" (").number(m.chipResetFailures).ascii(" failed)");
        }
        o.ascii("</td></tr></table>\n<p class=\"muted\">Read-only. Also as <a href=\"/status.json\">JSON</a> and "
                + "<a href=\"/metrics\">Prometheus metrics</a>.</p>\n</body></html>\n");
    }

    /** Active periods of the last 24 h as red bars on a grey track, 1440 units wide (one per minute). */
    private void chart(ResponseBody o, int s, long now) {
        long start = now - DAY_MILLIS;
        o.ascii("<svg viewBox=\"0 0 1440 20\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
                .html(m.names[s]).ascii(" over the last 24 hours\"><rect width=\"1440\" height=\"20\" fill=\"#e8f5e9\"/>");
        int count = m.changeCount[s];
        int first = (m.changeHead[s] - count + StatusModel.CHANGES_KEPT) % StatusModel.CHANGES_KEPT;
        // The state at the start of the window: that of the last change before it, else the opposite of the
        // first change we know (before it the sensor was in the other state), else the current state.
        boolean state = count == 0 ? m.active[s] : !m.changeActive[s][first];
        long since = start;
        for (int k = 0; k < count; k++) {
            int slot = (first + k) % StatusModel.CHANGES_KEPT;
            long t = m.changeMillis[s][slot];
            boolean to = m.changeActive[s][slot];
            if (t <= start) {
                state = to;
                continue;
            }
            if (state && !to) {
                bar(o, since, t, start);
            }
            if (!state && to) {
                since = t;
            }
            state = to;
            tick(o, t, start);
        }
        if (state) {
            bar(o, since, now, start);
        }
        o.ascii("</svg>");
    }

    private static void bar(ResponseBody o, long from, long to, long start) {
        long x = Math.max(0, (from - start) / 60_000L);
        long w = Math.max(2, (to - start) / 60_000L - x);
        o.ascii("<rect x=\"").number(x).ascii("\" width=\"").number(w).ascii("\" height=\"20\" fill=\"#c62828\"/>");
    }

    private static void tick(ResponseBody o, long t, long start) {
        o.ascii("<rect x=\"").number(Math.min(1439, (t - start) / 60_000L))
                .ascii("\" width=\"1\" height=\"20\" fill=\"#333\"/>");
    }

    private int changesWithin(int s, long now) {
        int n = 0;
        for (int k = 0; k < m.changeCount[s]; k++) {
            if (m.changeMillis[s][k] > now - DAY_MILLIS) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ JSON

    private void json(ResponseBody o, long now, long uptime) {
        o.ascii("{\"board\":{\"ip\":\"").json(m.ip).ascii("\",\"time\":\"");
        iso(o, now);
        o.ascii("\",\"uptime_seconds\":").number(uptime / 1000).ascii(",\"chip_resets\":").number(m.chipResets)
                .ascii("},\n\"sensors\":[");
        for (int i = 0; i < m.names.length; i++) {
            boolean a = m.active[i];
            o.ascii(i == 0 ? "" : ",").ascii("\n{\"name\":\"").json(m.names[i]).ascii("\",\"state\":\"")
                    .json(a ? m.activeNames[i] : m.inactiveNames[i]).ascii("\",\"active\":").ascii(a ? "true" : "false")
                    .ascii(",\"last_change\":");
            isoOrNull(o, m.lastChangeMillis[i]);
            o.ascii(",\"changes_24h\":").number(changesWithin(i, now)).ascii(",\"changes_total\":")
                    .number(m.changesTotal[i]).put('}');
        }
        long oldest = outbox.oldestCreatedMillis();
        o.ascii("],\n\"outbox\":{\"queued\":").number(outbox.pendingCount()).ascii(",\"oldest\":");
        isoOrNull(o, oldest);
        o.ascii(",\"oldest_age_seconds\":").number(oldest < 0 ? 0 : Math.max(0, now - oldest) / 1000)
                .ascii("},\n\"mail\":{\"accepted\":").number(m.accepted).ascii(",\"delivered\":").number(m.delivered)
                .ascii(",\"failed\":").number(m.failed).ascii(",\"attempts\":{");
        for (int k = 0; k < StatusModel.OUTCOMES.length; k++) {
            o.ascii(k == 0 ? "\"" : ",\"").ascii(StatusModel.OUTCOMES[k]).ascii("\":").number(m.attempts[k]);
        }
        o.ascii("},\"last_delivery\":");
        isoOrNull(o, m.lastDeliveryMillis);
        o.ascii(",\"last_failure\":");
        if (m.lastFailureMillis < 0) {
            o.ascii("null");
        } else {
            o.ascii("{\"time\":");
            isoOrNull(o, m.lastFailureMillis);
            o.ascii(",\"sensor\":\"").json(m.lastFailureSensor).ascii("\",\"reply\":\"").json(m.lastFailure)
                    .ascii("\"}");
        }
        o.ascii("},\n\"network\":{\"mode\":\"").json(m.networkMode).ascii("\",\"ip\":\"").json(m.ip)
                .ascii("\",\"subnet\":\"").json(m.subnet).ascii("\",\"gateway\":\"").json(m.gateway).ascii("\",\"lease\":");
        stringOrNull(o, m.lease);
        o.ascii(",\"dns\":");
        stringOrNull(o, m.dns);
        o.ascii("},\n\"clock\":{\"source\":\"").json(m.clockSource).ascii("\"}}\n");
    }

    private static void stringOrNull(ResponseBody o, String s) {
        if (s == null) {
            o.ascii("null");
        } else {
            o.put('"').json(s).put('"');
        }
    }

    // ------------------------------------------------------------------ Prometheus

    private void metrics(ResponseBody o, long now, long uptime) {
        counter(o, "w5100_alerts_accepted_total", "Alerts accepted into the outbox since start.", m.accepted);
        counter(o, "w5100_alerts_delivered_total", "Alerts the mail server took since start.", m.delivered);
        counter(o, "w5100_alerts_failed_total", "Alerts given up for good (5xx, unsendable) since start.", m.failed);
        o.ascii("# HELP w5100_smtp_attempts_total Delivery attempts since start, by outcome.\n"
                + "# TYPE w5100_smtp_attempts_total counter\n");
        for (int k = 0; k < StatusModel.OUTCOMES.length; k++) {
            o.ascii("w5100_smtp_attempts_total{outcome=\"").ascii(StatusModel.OUTCOMES[k]).ascii("\"} ")
                    .number(m.attempts[k]).put('\n');
        }
        counter(o, "w5100_chip_resets_total", "Resets of the W5100 by the loop's supervision since start.", m.chipResets);
        gauge(o, "w5100_outbox_queued", "Alerts waiting in the outbox.");
        o.ascii("w5100_outbox_queued ").number(outbox.pendingCount()).put('\n');
        long oldest = outbox.oldestCreatedMillis();
        gauge(o, "w5100_outbox_oldest_age_seconds", "Age of the oldest queued alert (0 when none).");
        o.ascii("w5100_outbox_oldest_age_seconds ").millisAsSeconds(oldest < 0 ? 0 : Math.max(0, now - oldest))
                .put('\n');
        gauge(o, "w5100_sensor_active", "1 while the sensor is in its active state.");
        for (int i = 0; i < m.names.length; i++) {
            o.ascii("w5100_sensor_active{sensor=\"").label(m.names[i]).ascii("\"} ").ascii(m.active[i] ? "1" : "0")
                    .put('\n');
        }
        gauge(o, "w5100_last_delivery_timestamp_seconds", "When the last alert was delivered (0: none since start).");
        o.ascii("w5100_last_delivery_timestamp_seconds ").millisAsSeconds(Math.max(0, m.lastDeliveryMillis)).put('\n');
        gauge(o, "w5100_uptime_seconds", "Time since the service started.");
        o.ascii("w5100_uptime_seconds ").millisAsSeconds(uptime).put('\n');
    }

    private static void counter(ResponseBody o, String name, String help, long v) {
        o.ascii("# HELP ").ascii(name).put(' ').ascii(help).ascii("\n# TYPE ").ascii(name).ascii(" counter\n")
                .ascii(name).put(' ').number(v).put('\n');
    }

    private static void gauge(ResponseBody o, String name, String help) {
        o.ascii("# HELP ").ascii(name).put(' ').ascii(help).ascii("\n# TYPE ").ascii(name).ascii(" gauge\n");
    }

    // ------------------------------------------------------------------ time, as ASCII

    private static void isoOrNull(ResponseBody o, long millis) {
        if (millis < 0) {
            o.ascii("null");
        } else {
            o.put('"');
            iso(o, millis);
            o.put('"');
        }
    }

    /** {@code 2026-12-01T19:33:14Z} (UTC) from epoch millis, by the civil-from-days calculation. */
    static void iso(ResponseBody o, long millis) {
        long secs = Math.floorDiv(millis, 1000L);
        long days = Math.floorDiv(secs, 86_400L);
        long sod = secs - days * 86_400L;
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long mo = mp < 10 ? mp + 3 : mp - 9;
        if (mo <= 2) {
            y++;
        }
        o.padded(y, 4).put('-').padded(mo, 2).put('-').padded(d, 2).put('T').padded(sod / 3600, 2).put(':')
                .padded(sod / 60 % 60, 2).put(':').padded(sod % 60, 2).put('Z');
    }

    /** A span as {@code 3 d 4 h}, {@code 2 h 5 min}, {@code 7 min 3 s} or {@code 12 s}. */
    static void duration(ResponseBody o, long millis) {
        long s = Math.max(0, millis) / 1000;
        if (s >= 86_400) {
            o.number(s / 86_400).ascii(" d ").number(s / 3600 % 24).ascii(" h");
        } else if (s >= 3600) {
            o.number(s / 3600).ascii(" h ").number(s / 60 % 60).ascii(" min");
        } else if (s >= 60) {
            o.number(s / 60).ascii(" min ").number(s % 60).ascii(" s");
        } else {
            o.number(s).ascii(" s");
        }
    }
}
