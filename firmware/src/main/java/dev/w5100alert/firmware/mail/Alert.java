package dev.w5100alert.firmware.mail;

/**
 * What the board knows about one alert: which sensor, its new state, when, how many changes it summarises,
 * and free text. Reused for every alert; the text fields are {@link ByteText}s allocated once, so filling
 * an alert allocates nothing.
 */
public final class Alert {

    private final ByteText sensor = new ByteText(64);
    private final ByteText state = new ByteText(32);
    private final ByteText text;
    private long eventEpochMillis;
    private long count = 1;

    /** @param maxTextBytes capacity of the free text */
    public Alert(int maxTextBytes) {
        text = new ByteText(maxTextBytes);
    }

    public Alert clear() {
        sensor.clear();
        state.clear();
        text.clear();
        eventEpochMillis = 0;
        count = 1;
        return this;
    }

    public Alert sensor(CharSequence name) {
        sensor.set(name);
        return this;
    }

    public Alert state(CharSequence s) {
        state.set(s);
        return this;
    }

    public Alert eventTime(long epochMillis) {
        eventEpochMillis = epochMillis;
        return this;
    }

    /** Number of state changes this alert stands for (1, or more when coalesced). */
    public Alert count(long changes) {
        count = changes;
        return this;
    }

    public ByteText sensor() {
        return sensor;
    }

    public ByteText state() {
        return state;
    }

    /** Free text appended to the body, to fill in place. */
    public ByteText text() {
        return text;
    }

    public long eventTime() {
        return eventEpochMillis;
    }

    public long count() {
        return count;
    }
}
