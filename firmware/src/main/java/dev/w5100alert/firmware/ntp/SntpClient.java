package dev.w5100alert.firmware.ntp;

import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.UdpLink;
import dev.w5100alert.firmware.time.NetworkClock;

/**
 * SNTP client (RFC 4330 §5) that sets the firmware's {@link NetworkClock}. Stepped by
 * {@link #doWork(long)}, which never waits and says when it next needs to run ({@link #pollAt()}).
 *
 * <p>One request at a time, from a random source port, to one server of the list (DHCP option 42 or
 * the configuration). A reply counts only if it comes from that server's port 123 and passes
 * {@link SntpPacket#check} (originate timestamp = our transmit timestamp, not a kiss-o'-death, leap
 * indicator not 3, ...). On success the offset goes into the clock and the next sync is one
 * {@code resyncNanos} later; a timeout or refusal moves to the next server, and after a whole round
 * without success the client waits a backoff (8 s doubling to 512 s, ±1 s) before the next round.
 * Allocation-free after construction.
 */
public final class SntpClient {

    public static final int MAX_SERVERS = 4;
    static final long REPLY_TIMEOUT_NANOS = 2_000_000_000L;
    static final long FIRST_BACKOFF_NANOS = 8_000_000_000L;
    static final long MAX_BACKOFF_NANOS = 512_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** What the last exchange did. */
    public enum Result { NONE, SYNCED, TIMEOUT, REFUSED, KISS_OF_DEATH, NO_SERVER, LINK_DOWN }

    private final UdpLink link;
    private final NetworkClock clock;
    private final RandomSource random;
    private final long resyncNanos;
    private final int[] servers = new int[MAX_SERVERS];
    private int serverCount;
    private final byte[] buffer = new byte[128];
    private final SntpPacket view = SntpPacket.view();

    private boolean waiting;
    private int current;
    private int failuresThisRound;
    private long backoff = FIRST_BACKOFF_NANOS;
    private long sentTransmit;
    private long deadline;
    private long nextSync;
    private boolean started;
    private Result last = Result.NONE;
    private long lastOffsetMillis;
    private long lastDelayMillis;
    private int lastServer;
    private long ignored;

    public SntpClient(UdpLink link, NetworkClock clock, RandomSource random, long resyncNanos) {
        if (link == null || clock == null || random == null) {
            throw new IllegalArgumentException("link, clock and random are required");
        }
        if (resyncNanos < 16 * SECOND) {
            throw new IllegalArgumentException("re-sync interval below 16 s is abusive to servers");
        }
        this.link = link;
        this.clock = clock;
        this.random = random;
        this.resyncNanos = resyncNanos;
    }

    /** Replaces the server list (first {@code count} of {@code ips}, at most {@value #MAX_SERVERS}); syncs soon. */
    public void servers(int[] ips, int count) {
        int n = Math.min(count, MAX_SERVERS);
        serverCount = 0;
        for (int i = 0; i < n; i++) {
            if (ips[i] != 0 && ips[i] != -1) {
                servers[serverCount++] = ips[i];
            }
        }
        current = 0;
        failuresThisRound = 0;
        waiting = false;
        started = false;
    }

    public int serverCount() {
        return serverCount;
    }

    /** True while a request is out (the link is in use). */
    public boolean busy() {
        return waiting;
    }

    /** Runs what is due at {@code now} (monotonic nanos); returns {@link #pollAt()}. */
    public long doWork(long now) {
        if (serverCount == 0) {
            last = Result.NO_SERVER;
            return Long.MAX_VALUE;
        }
        if (!started) {
            started = true;
            nextSync = now;
        }
        if (waiting) {
            for (int k = 0; k < 4 && waiting; k++) {
                int n = link.receive(buffer, 0, buffer.length);
                if (n == UdpLink.NONE) {
                    break;
                }
                if (n == UdpLink.FAILED) {
                    fail(now, Result.LINK_DOWN);
                    break;
                }
                takeReply(now, n);
            }
            if (waiting && now - deadline >= 0) {
                fail(now, Result.TIMEOUT);
            }
        }
        if (!waiting && now - nextSync >= 0) {
            send(now);
        }
        return pollAt();
    }

    /** Monotonic time at which {@link #doWork} next has something to do. */
    public long pollAt() {
        if (serverCount == 0) {
            return Long.MAX_VALUE;
        }
        return waiting ? deadline : nextSync;
    }

    private void send(long now) {
        int port = 49152 + random.nextInt(16384);
        if (!link.bind(port)) {
            fail(now, Result.LINK_DOWN);
            return;
        }
        // The low 16 bits of the fraction (< 16 us) are random: an off-path forger cannot guess them.
        sentTransmit = SntpPacket.fromUnixMillis(clock.epochMillis()) ^ (random.nextInt() & 0xFFFFL);
        int len = SntpPacket.writeRequest(buffer, sentTransmit);
        lastServer = servers[current];
        int r = link.send(lastServer, SntpPacket.PORT, buffer, 0, len);
        if (r < 0) {
            fail(now, r == UdpLink.UNREACHABLE ? Result.TIMEOUT : Result.LINK_DOWN);
            return;
        }
        waiting = true;
        deadline = now + REPLY_TIMEOUT_NANOS;
    }

    private void takeReply(long now, int n) {
        if (link.sourceIp() != lastServer || link.sourcePort() != SntpPacket.PORT) {
            ignored++;
            return;
        }
        long t4 = SntpPacket.fromUnixMillis(clock.epochMillis());
        view.wrap(buffer, n);
        int check = view.check(sentTransmit);
        if (check == SntpPacket.ORIGINATE_MISMATCH || check == SntpPacket.TOO_SHORT) {
            ignored++; // not an answer to this request: keep waiting for the real one
            return;
        }
        if (check == SntpPacket.KISS_OF_DEATH) {
            fail(now, Result.KISS_OF_DEATH);
            return;
        }
        if (check != SntpPacket.OK) {
            fail(now, Result.REFUSED);
            return;
        }
        long t1 = sentTransmit;
        long t2 = view.receive();
        long t3 = view.transmit();
        long delay = SntpPacket.delay(t1, t2, t3, t4);
        if (delay < 0 && SntpPacket.durationMillis(delay) < -1000) {
            fail(now, Result.REFUSED); // a server that claims to answer before asked
            return;
        }
        long offset = SntpPacket.offset(t1, t2, t3, t4);
        lastOffsetMillis = SntpPacket.durationMillis(offset);
        lastDelayMillis = SntpPacket.durationMillis(delay);
        clock.adjust(lastOffsetMillis);
        waiting = false;
        last = Result.SYNCED;
        failuresThisRound = 0;
        backoff = FIRST_BACKOFF_NANOS;
        nextSync = now + resyncNanos;
    }

    private void fail(long now, Result why) {
        waiting = false;
        last = why;
        current = (current + 1) % serverCount;
        failuresThisRound++;
        if (failuresThisRound >= serverCount) {
            failuresThisRound = 0;
            nextSync = now + backoff - SECOND + random.nextInt(2_000_000) * 1000L;
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        } else {
            nextSync = now;
        }
    }

    public Result lastResult() {
        return last;
    }

    /** Offset measured by the last successful exchange (already applied to the clock). */
    public long lastOffsetMillis() {
        return lastOffsetMillis;
    }

    public long lastDelayMillis() {
        return lastDelayMillis;
    }

    /** Replies dropped as not ours (wrong source, wrong originate timestamp, runt). */
    public long ignored() {
        return ignored;
    }
}
