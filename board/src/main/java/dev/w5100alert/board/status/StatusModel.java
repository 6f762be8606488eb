package dev.w5100alert.board.status;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.loop.LoopHooks;
import dev.w5100alert.board.mail.Delivery;
import java.util.List;

/**
 * What the board knows about itself, for the status pages and the heartbeat: sensors with their state, last
 * change and a bounded ring of recent changes; alert and attempt counters; the last delivery and the last
 * failure. Fed by the loop through {@link LoopHooks}; read by {@link StatusPages} on the same thread.
 *
 * <p>Read-only by construction: it never holds the password, the user name or recipient addresses. A server's
 * reply is kept only as the masked detail the transport reports, and every configured secret, user name and
 * recipient that still occurs in it is replaced by {@code <redacted>} before it is stored. Updating it
 * allocates nothing except when a failure's text is recorded.
 */
public final class StatusModel implements LoopHooks {

    /** Changes kept per sensor for the 24 h chart (older ones drop out of the ring). */
    public static final int CHANGES_KEPT = 48;
    /** Longest failure text kept. */
    public static final int MAX_FAILURE_TEXT = 200;

    /** The outcomes counted in {@code w5100_smtp_attempts_total}, in label order. */
    public static final String[] OUTCOMES = {"delivered", "transient", "auth_failed", "permanent"};

    final String[] names;
    final String[] activeNames;
    final String[] inactiveNames;
    final boolean[] active;
    final long[] lastChangeMillis;
    final long[][] changeMillis;
    final boolean[][] changeActive;
    final int[] changeHead;
    final int[] changeCount;
    final long[] changesTotal;

    long accepted;
    long delivered;
    long failed;
    final long[] attempts = new long[OUTCOMES.length];
    long chipResets;
    long chipResetFailures;
    long lastDeliveryMillis = -1;
    long lastFailureMillis = -1;
    String lastFailure = "";
    String lastFailureSensor = "";
    final long startMillis;
    final long startNanos;
    /** Static network facts, written once ("static 192.168.1.50/255.255.255.0 via 192.168.1.1"). */
    final String ip;
    final String subnet;
    final String gateway;
    final int statusPort;
    private final List<String> hidden;
    /** Network facts a LAN client can report (see {@link #networkState}); static until one does. */
    String networkMode = "static";
    String lease;
    String dns;
    String clockSource = "system";

    /**
     * @param hidden text that must never show: password, user name, recipients (replaced in failure texts)
     */
    public StatusModel(BoardConfig config, boolean[] initial, long startMillis, long startNanos) {
        List<BoardConfig.Sensor> s = config.sensors();
        int n = s.size();
        names = new String[n];
        activeNames = new String[n];
        inactiveNames = new String[n];
        active = new boolean[n];
        lastChangeMillis = new long[n];
        changeMillis = new long[n][CHANGES_KEPT];
        changeActive = new boolean[n][CHANGES_KEPT];
        changeHead = new int[n];
        changeCount = new int[n];
        changesTotal = new long[n];
        for (int i = 0; i < n; i++) {
            names[i] = s.get(i).name();
            activeNames[i] = s.get(i).activeName();
            inactiveNames[i] = s.get(i).inactiveName();
            active[i] = initial[i];
            lastChangeMillis[i] = -1;
        }
        this.startMillis = startMillis;
        this.startNanos = startNanos;
        this.ip = config.network().ipText();
        // In DHCP mode without static keys the mask and router come with the lease.
        this.subnet = config.network().subnet() == null ? "(from DHCP)"
                : dev.w5100alert.board.config.Ipv4.format(config.network().subnet());
        this.gateway = config.network().gateway() == null ? "(from DHCP)"
                : dev.w5100alert.board.config.Ipv4.format(config.network().gateway());
        this.statusPort = config.status().port();
        java.util.ArrayList<String> h = new java.util.ArrayList<>();
        BoardConfig.Smtp smtp = config.smtp();
        if (smtp.password() != null && !smtp.password().isEmpty()) {
            h.add(smtp.password());
        }
        if (smtp.username() != null && !smtp.username().isEmpty()) {
            h.add(smtp.username());
        }
        h.addAll(smtp.recipients());
        for (BoardConfig.Sensor sensor : s) {
            h.addAll(sensor.rule().recipients());
        }
        h.add(smtp.sender());
        // Longest first, so a recipient that contains the user name is replaced whole.
        h.sort((a, b) -> b.length() - a.length());
        this.hidden = List.copyOf(h);
    }

    @Override
    public void sensorChanged(int sensor, boolean isActive, long epochMillis) {
        if (sensor < 0 || sensor >= names.length) {
            return;
        }
        active[sensor] = isActive;
        lastChangeMillis[sensor] = epochMillis;
        int slot = changeHead[sensor];
        changeMillis[sensor][slot] = epochMillis;
        changeActive[sensor][slot] = isActive;
        changeHead[sensor] = (slot + 1) % CHANGES_KEPT;
        if (changeCount[sensor] < CHANGES_KEPT) {
            changeCount[sensor]++;
        }
        changesTotal[sensor]++;
    }

    @Override
    public void alertAccepted(Alert alert, long epochMillis) {
        accepted++;
    }

    @Override
    public void attemptEnded(Alert alert, Delivery d, long epochMillis) {
        switch (d.kind()) {
            case DELIVERED -> {
                attempts[0]++;
                delivered++;
                lastDeliveryMillis = epochMillis;
            }
            case TRANSIENT -> {
                attempts[1]++;
                failure(alert, d, epochMillis);
            }
            case AUTH_FAILED -> {
                attempts[2]++;
                failure(alert, d, epochMillis);
            }
            case PERMANENT -> {
                attempts[3]++;
                failed++;
                failure(alert, d, epochMillis);
            }
        }
    }

    private void failure(Alert alert, Delivery d, long epochMillis) {
        lastFailureMillis = epochMillis;
        lastFailureSensor = alert.sensor();
        String text = (d.code() > 0 ? d.code() + " " : "") + (d.detail() == null ? "" : d.detail());
        lastFailure = redact(text);
    }

    /** {@code text} with every hidden string replaced, control characters as blanks, bounded in length. */
    String redact(String text) {
        String t = text;
        for (String h : hidden) {
            t = t.replace(h, "<redacted>");
        }
        StringBuilder sb = new StringBuilder(Math.min(t.length(), MAX_FAILURE_TEXT));
        for (int i = 0; i < t.length() && sb.length() < MAX_FAILURE_TEXT; i++) {
            char c = t.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? ' ' : c);
        }
        return sb.toString();
    }

    long lastHeartbeatMillis = -1;

    /** A heartbeat mail was delivered. */
    void heartbeatDelivered(long epochMillis) {
        lastHeartbeatMillis = epochMillis;
    }

    @Override
    public void chipReset(boolean ok) {
        chipResets++;
        if (!ok) {
            chipResetFailures++;
        }
    }

    /**
     * For the board's LAN client (DHCP, DNS, SNTP) to report its state as one line each, when it changes (not
     * per cycle: the strings are kept as given). {@code null} leaves a field as it is.
     *
     * @param mode  "static" or "dhcp"
     * @param lease e.g. "192.168.1.50 from 192.168.1.1, renews 2026-12-02T07:00:00Z"
     * @param dns   e.g. "mail.example.org = 192.168.1.10 (ttl 300 s)"
     * @param clock e.g. "sntp 192.168.1.1, offset +12 ms" or "system"
     */
    public void networkState(String mode, String lease, String dns, String clock) {
        if (mode != null) {
            networkMode = mode;
        }
        if (lease != null) {
            this.lease = lease;
        }
        if (dns != null) {
            this.dns = dns;
        }
        if (clock != null) {
            clockSource = clock;
        }
    }

    /** The lease line the pages show, or null with a static address. */
    public String lease() {
        return lease;
    }

    /** The mail server's DNS answer the pages show, or null when it is configured by address. */
    public String dnsAnswer() {
        return dns;
    }

    /** Where the board's wall clock comes from, as the pages show it. */
    public String clockSource() {
        return clockSource;
    }

    public long accepted() {
        return accepted;
    }

    public long delivered() {
        return delivered;
    }

    public long failed() {
        return failed;
    }

    public long attempts(int outcome) {
        return attempts[outcome];
    }

    public long chipResets() {
        return chipResets;
    }

    public String lastFailure() {
        return lastFailure;
    }

    public long lastFailureMillis() {
        return lastFailureMillis;
    }

    public long lastDeliveryMillis() {
        return lastDeliveryMillis;
    }

    public int sensorCount() {
        return names.length;
    }

    public boolean active(int sensor) {
        return active[sensor];
    }
}
