package dev.w5100alert.firmware.lan;

import dev.w5100alert.firmware.net.UdpLink;

/**
 * A {@link UdpLink} driven by the test: a peer ({@link Peer}) sees every datagram sent and may queue
 * answers at once; the test can also queue datagrams itself. Fixed slots, so a steady-state run
 * allocates nothing (the allocation tests rely on that).
 */
public final class ScriptedUdpLink implements UdpLink {

    public interface Peer {
        /** Returns what {@code send} returns: normally {@code len}, or UNREACHABLE / FAILED. */
        int onSend(int ip, int port, byte[] b, int off, int len, ScriptedUdpLink link);
    }

    private static final int SLOTS = 8;
    private final byte[][] data = new byte[SLOTS][1500];
    private final int[] length = new int[SLOTS];
    private final int[] fromIp = new int[SLOTS];
    private final int[] fromPort = new int[SLOTS];
    private int head;
    private int count;
    private int lastIp;
    private int lastPort;

    public Peer peer = (ip, port, b, off, len, link) -> len;
    int boundPort = -1;
    int binds;
    int sends;
    int lastSendIp;
    int lastSendPort;
    final byte[] lastSent = new byte[1500];
    int lastSentLength;
    boolean failNextReceive;

    @Override
    public boolean bind(int localPort) {
        started = Integer.MIN_VALUE;
        boundPort = localPort;
        binds++;
        head = 0;
        count = 0;
        return true;
    }

    @Override
    public boolean isBound() {
        return boundPort > 0;
    }

    @Override
    public int send(int ip, int port, byte[] b, int off, int len) {
        if (boundPort < 0) {
            return FAILED;
        }
        sends++;
        lastSendIp = ip;
        lastSendPort = port;
        System.arraycopy(b, off, lastSent, 0, len);
        lastSentLength = len;
        return peer.onSend(ip, port, b, off, len, this);
    }

    private int started = Integer.MIN_VALUE;
    /** What sendGiveUpNanos() reports. */
    public long giveUpNanos = 1_800_000_000L;
    /** While true, started datagrams stay PENDING (an ARP that has not finished). */
    public boolean holdPending;

    @Override
    public int sendStart(int ip, int port, byte[] b, int off, int len) {
        if (started != Integer.MIN_VALUE) {
            throw new IllegalStateException("a datagram is still being sent");
        }
        int r = send(ip, port, b, off, len);
        if (r == FAILED) {
            return FAILED;
        }
        started = r;
        return len;
    }

    @Override
    public int sendPoll() {
        if (started == Integer.MIN_VALUE) {
            throw new IllegalStateException("no datagram is being sent");
        }
        if (holdPending) {
            return PENDING;
        }
        int r = started;
        started = Integer.MIN_VALUE;
        return r;
    }

    @Override
    public int sendGiveUp() {
        started = Integer.MIN_VALUE;
        return FAILED;
    }

    @Override
    public long sendGiveUpNanos() {
        return giveUpNanos;
    }

    /** Queues a datagram from {@code ip:port}; drops it when all slots are full. */
    public void deliver(int ip, int port, byte[] b, int off, int len) {
        if (count == SLOTS) {
            return;
        }
        int slot = (head + count) % SLOTS;
        System.arraycopy(b, off, data[slot], 0, len);
        length[slot] = len;
        fromIp[slot] = ip;
        fromPort[slot] = port;
        count++;
    }

    public int pending() {
        return count;
    }

    @Override
    public int receive(byte[] b, int off, int len) {
        if (failNextReceive) {
            failNextReceive = false;
            boundPort = -1;
            return FAILED;
        }
        if (boundPort < 0) {
            return FAILED;
        }
        if (count == 0) {
            return NONE;
        }
        int n = Math.min(len, length[head]);
        System.arraycopy(data[head], 0, b, off, n);
        lastIp = fromIp[head];
        lastPort = fromPort[head];
        head = (head + 1) % SLOTS;
        count--;
        return n;
    }

    @Override
    public int sourceIp() {
        return lastIp;
    }

    @Override
    public int sourcePort() {
        return lastPort;
    }

    @Override
    public void close() {
        boundPort = -1;
    }
}
