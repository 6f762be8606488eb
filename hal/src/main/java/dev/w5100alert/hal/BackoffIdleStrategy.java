package dev.w5100alert.hal;

import java.util.concurrent.locks.LockSupport;

/**
 * The one way the firmware loop waits: a few spins, then yields, then parks that double from
 * {@link IdleSettings#minParkNanos()} up to a bound; {@link #reset()} (progress) starts over at the
 * spinning end. In the style of Agrona's {@code BackoffIdleStrategy}, with two additions:
 *
 * <ul>
 *   <li><b>Deadlines stay exact.</b> {@link #idleUntil(long)} never parks past the deadline it is given.</li>
 *   <li><b>Wake-ups.</b> {@link #wake()} (from any thread: a GPIO sensor edge, the /INT edge) unparks the
 *       waiting thread at once and makes the next step start over. With an {@link InterruptLine} wired
 *       and high, nothing the chip signals can happen unseen, so the doubling goes up to
 *       {@link IdleSettings#interruptParkNanos()} instead of the polling bound; a line that must be
 *       sampled (the in-process simulator) is sampled every polling bound during such a park, which costs
 *       no SPI frames. A line held low (an interrupt bit nobody clears) counts as no news: the wait then
 *       backs off as if polling, so a stuck bit cannot make the loop spin.</li>
 * </ul>
 *
 * <p>One thread waits on an instance (the loop's); any thread may call {@link #wake()}. No allocation
 * after construction. Time and parking go through {@link Waiting}, so a virtual clock can run the same
 * strategy in tests and count exactly how often the chip is polled.
 */
public final class BackoffIdleStrategy {

    /** Time and the three ways to pass it. */
    public interface Waiting {
        long nanoTime();

        void spin();

        void yieldThread();

        /** Parks up to {@code nanos}; may return early (unpark, spuriously). */
        void park(long nanos);
    }

    /** The real thing: {@link System#nanoTime()}, {@link Thread#onSpinWait()}, {@link LockSupport#parkNanos(long)}. */
    public static final Waiting SYSTEM = new Waiting() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void spin() {
            Thread.onSpinWait();
        }

        @Override
        public void yieldThread() {
            Thread.yield();
        }

        @Override
        public void park(long nanos) {
            LockSupport.parkNanos(nanos);
        }
    };

    private final IdleSettings settings;
    private final Waiting waiting;
    private final Runnable wakeUp = this::wake;
    private InterruptLine line = InterruptLine.NOT_WIRED;

    private volatile boolean woken;
    private volatile Thread waiter;

    private int spun;
    private int yielded;
    private long park;
    private boolean lineWasLow;
    private long parks;
    private long wakeUps;

    public BackoffIdleStrategy(IdleSettings settings, Waiting waiting) {
        if (settings == null || waiting == null) {
            throw new IllegalArgumentException("settings and waiting are required");
        }
        this.settings = settings;
        this.waiting = waiting;
    }

    /** Waits on {@code line} from now on (and registers this strategy's wake-up with it). */
    public void interruptLine(InterruptLine interruptLine) {
        line = interruptLine == null ? InterruptLine.NOT_WIRED : interruptLine;
        line.onAssert(wakeUp);
    }

    public InterruptLine interruptLine() {
        return line;
    }

    /** The wake-up as a preallocated {@link Runnable} (for listeners). */
    public Runnable wakeUp() {
        return wakeUp;
    }

    /** Any thread: ends the current park and makes the next step start over (work is coming). */
    public void wake() {
        woken = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Progress was made: the next wait starts with spinning again. */
    public void reset() {
        spun = 0;
        yielded = 0;
        park = 0;
    }

    /** One step of a wait whose caller knows no deadline (bounded by the park bounds). */
    public void idle() {
        step(0, false);
    }

    /** One step of a wait that must end by {@code deadlineNanos} ({@link Waiting#nanoTime()} time). */
    public void idleUntil(long deadlineNanos) {
        step(deadlineNanos, true);
    }

    /** Parks done so far (each is one poll of the chip fewer than a spin would have cost). */
    public long parks() {
        return parks;
    }

    /** Steps cut short by a wake-up or a new /INT assertion. */
    public long wakeUps() {
        return wakeUps;
    }

    private void step(long deadline, boolean bounded) {
        if (woken) {
            woken = false;
            wakeUps++;
            reset();
            return;
        }
        boolean wired = line.wired();
        boolean low = wired && line.asserted();
        if (low && !lineWasLow) {
            lineWasLow = true; // a new assertion: the chip has news, go and look
            wakeUps++;
            reset();
            return;
        }
        lineWasLow = low;
        long left = bounded ? deadline - waiting.nanoTime() : Long.MAX_VALUE;
        if (left <= 0) {
            return;
        }
        if (spun < settings.spins()) {
            spun++;
            waiting.spin();
            return;
        }
        if (yielded < settings.yields()) {
            yielded++;
            waiting.yieldThread();
            return;
        }
        boolean quiet = wired && !low;
        long bound = quiet ? settings.interruptParkNanos() : settings.maxParkNanos();
        park = park == 0 ? settings.minParkNanos() : Math.min(park * 2, bound);
        long p = Math.min(park, left);
        if (quiet && !line.wakesAsynchronously()) {
            sampleWhileParked(p);
        } else {
            parkOnce(p);
        }
    }

    private void parkOnce(long nanos) {
        parks++;
        waiter = Thread.currentThread();
        if (!woken) {
            waiting.park(nanos);
        }
        waiter = null;
    }

    /** A park of {@code nanos} cut into polling-bound pieces with the line sampled between them. */
    private void sampleWhileParked(long nanos) {
        long end = waiting.nanoTime() + nanos;
        while (true) {
            long left = end - waiting.nanoTime();
            if (left <= 0 || woken) {
                return;
            }
            parkOnce(Math.min(left, settings.maxParkNanos()));
            if (line.asserted()) {
                return; // the next step sees the new assertion and starts over
            }
        }
    }
}
