package dev.w5100alert.board.sensor;

/**
 * Hands GPIO edge events from Pi4J's callback threads to the firmware loop.
 *
 * <p>Preallocated and bounded: {@code capacity} events in parallel primitive arrays, no allocation
 * per event. Producers (any thread) take a short lock; the loop drains everything in one call. When
 * the queue is full the newest event is dropped and counted ({@link #dropped()}); when the loop sees
 * the count grow it re-reads every sensor's current level, so a dropped edge cannot leave a wrong state
 * (a change that came and went within the drop is lost, as a too-short pulse would be to debouncing).
 */
public final class SensorEventQueue {

    /** Receives drained events on the loop thread. */
    @FunctionalInterface
    public interface Sink {
        void onEdge(int sensor, boolean active, long epochMillis, long nanos);
    }

    private final int[] sensor;
    private final boolean[] active;
    private final long[] millis;
    private final long[] nanos;
    private int head;
    private int size;
    private long dropped;

    /** Called after each offered event, from the producer's thread: wakes the loop's wait. */
    private volatile Runnable wakeUp;

    /** Makes every offer (accepted or dropped) call {@code wake} afterwards, e.g. the loop clock's wake-up. */
    public void wakeUp(Runnable wake) {
        this.wakeUp = wake;
    }

    public SensorEventQueue(int capacity) {
        sensor = new int[capacity];
        active = new boolean[capacity];
        millis = new long[capacity];
        nanos = new long[capacity];
    }

    /** Called from a GPIO callback. Returns false (and counts) when full. */
    public boolean offer(int sensorIndex, boolean isActive, long epochMillis, long nanoTime) {
        boolean accepted = enqueue(sensorIndex, isActive, epochMillis, nanoTime);
        Runnable wake = wakeUp;
        if (wake != null) {
            wake.run(); // outside the lock: a sensor edge ends the loop's park at once
        }
        return accepted;
    }

    private synchronized boolean enqueue(int sensorIndex, boolean isActive, long epochMillis, long nanoTime) {
        if (size == sensor.length) {
            dropped++;
            return false;
        }
        int at = (head + size) % sensor.length;
        sensor[at] = sensorIndex;
        active[at] = isActive;
        millis[at] = epochMillis;
        nanos[at] = nanoTime;
        size++;
        return true;
    }

    /** Hands every queued event to {@code sink}, oldest first; returns how many. */
    public synchronized int drain(Sink sink) {
        int n = size;
        for (int i = 0; i < n; i++) {
            int at = (head + i) % sensor.length;
            sink.onEdge(sensor[at], active[at], millis[at], nanos[at]);
        }
        head = (head + n) % sensor.length;
        size = 0;
        return n;
    }

    public synchronized long dropped() {
        return dropped;
    }
}
