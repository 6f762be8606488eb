package dev.w5100alert.sim.lan;

import dev.w5100alert.sim.TraceSink;

import java.nio.ByteBuffer;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * The running DHCP, DNS and NTP servers of one simulated chip's LAN, reached through the chip's UDP
 * sockets without any real socket (except DNS forwarding, which talks to 127.0.0.1 only).
 *
 * <p>The simulator hands every datagram the chip SENDs to {@link #fromChip}; a service addressed by it
 * (its virtual address and port, or 255.255.255.255:67 for DHCP) answers into a bounded queue, due
 * after the service's reply delay on the simulator's clock. The chip's UDP sockets collect due answers
 * with {@link #take} when the driver polls them, as they collect datagrams from real sockets.
 *
 * <p>Delivery follows the chip's receive filter: an answer reaches a UDP socket whose Sn_PORT is its
 * destination port when it is sent to 255.255.255.255 or to the chip's SIPR; anything else is dropped
 * (counted in {@link #droppedAnswers()}), e.g. a DHCP answer unicast to yiaddr while SIPR is still
 * 0.0.0.0 (clients set the BROADCAST flag for this reason, RFC 2131 4.1).
 *
 * <p>Bounds: at most {@value #QUEUE} answers wait at once (more are dropped and counted); datagrams up
 * to 1472 bytes. Steady-state handling allocates nothing (inspection methods and tracing do). Not
 * thread-safe: the simulator drives it from its one thread.
 */
public final class LanServices implements AutoCloseable {
    /** Answers waiting for delivery at once. */
    public static final int QUEUE = 32;
    static final int MAX_DATAGRAM = 1472;

    private final LongSupplier nanoClock;
    private final IntPredicate udpPortOpen;
    private final DhcpServer[] dhcp;
    private final DnsServer[] dns;
    private final NtpServer[] ntp;
    private final byte[] in = new byte[MAX_DATAGRAM];
    private TraceSink trace;

    private final byte[][] qData = new byte[QUEUE][MAX_DATAGRAM];
    private final int[] qLen = new int[QUEUE];
    private final int[] qSrc = new int[QUEUE];
    private final int[] qSrcPort = new int[QUEUE];
    private final int[] qDst = new int[QUEUE];
    private final int[] qDstPort = new int[QUEUE];
    private final long[] qDue = new long[QUEUE];
    private final long[] qSeq = new long[QUEUE];
    private final boolean[] qUsed = new boolean[QUEUE];
    private long seq;
    private int takenFrom;
    private int takenFromPort;
    private int dropped;

    private final int[] occupied = new int[64];
    private int occupiedCount;

    /**
     * @param config the declared services
     * @param nanoClock the simulator's clock
     * @param udpPortOpen whether the chip has a socket open in UDP mode on a port
     */
    public LanServices(LanConfig config, LongSupplier nanoClock, IntPredicate udpPortOpen) {
        this.nanoClock = nanoClock;
        this.udpPortOpen = udpPortOpen;
        dhcp = new DhcpServer[config.dhcp.size()];
        for (int i = 0; i < dhcp.length; i++) {
            dhcp[i] = new DhcpServer(config.dhcp.get(i), this);
        }
        dns = new DnsServer[config.dns.size()];
        for (int i = 0; i < dns.length; i++) {
            dns[i] = new DnsServer(config.dns.get(i), this);
        }
        ntp = new NtpServer[config.ntp.size()];
        for (int i = 0; i < ntp.length; i++) {
            ntp[i] = new NtpServer(config.ntp.get(i), this);
        }
    }

    // ---------------------------------------------------------------- simulator side

    /** Installs (or removes with null) the simulator's trace sink for service events. */
    public void trace(TraceSink sink) {
        trace = sink;
    }

    /** Whether some service (or an {@link #occupy occupied} address) answers ARP for {@code address}. */
    public boolean answersArp(int address) {
        for (DhcpServer s : dhcp) {
            if (s.address == address) {
                return true;
            }
        }
        for (DnsServer s : dns) {
            if (s.address == address) {
                return true;
            }
        }
        for (NtpServer s : ntp) {
            if (s.address == address) {
                return true;
            }
        }
        for (int i = 0; i < occupiedCount; i++) {
            if (occupied[i] == address) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address:port} (or the broadcast) reaches one of the services. */
    public boolean serves(int address, int port) {
        if (port == DhcpServer.SERVER_PORT) {
            if (address == Ip.BROADCAST && dhcp.length > 0) {
                return true;
            }
            for (DhcpServer s : dhcp) {
                if (s.address == address) {
                    return true;
                }
            }
        } else if (port == DnsServer.PORT) {
            for (DnsServer s : dns) {
                if (s.address == address) {
                    return true;
                }
            }
        } else if (port == NtpServer.PORT) {
            for (NtpServer s : ntp) {
                if (s.address == address) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A datagram the chip sent: {@code payload} from position to limit (left consumed). Returns
     * whether a service was addressed by it ({@link #serves}); if not, nothing happened.
     */
    public boolean fromChip(int srcIp, int srcPort, int dstIp, int dstPort, ByteBuffer payload) {
        if (!serves(dstIp, dstPort)) {
            return false;
        }
        int len = Math.min(payload.remaining(), MAX_DATAGRAM);
        payload.get(in, 0, len);
        long now = nanoClock.getAsLong();
        if (dstPort == DhcpServer.SERVER_PORT) {
            for (DhcpServer s : dhcp) {
                s.receive(srcIp, srcPort, dstIp, in, len, now);
            }
        } else if (dstPort == DnsServer.PORT) {
            for (DnsServer s : dns) {
                if (s.address == dstIp) {
                    s.receive(srcIp, srcPort, in, len, now);
                }
            }
        } else {
            for (NtpServer s : ntp) {
                if (s.address == dstIp) {
                    s.receive(srcIp, srcPort, in, len, now);
                }
            }
        }
        return true;
    }

    /**
     * The oldest due answer for a UDP socket on {@code port} of a chip whose SIPR is {@code sipr},
     * copied into {@code out} (cleared, then flipped); returns its length, or -1 when there is none.
     * Due answers that no open socket can receive are dropped here. The source of the answer taken is
     * then {@link #takenFrom()}:{@link #takenFromPort()}.
     */
    public int take(int port, int sipr, ByteBuffer out) {
        long now = nanoClock.getAsLong();
        for (DnsServer s : dns) {
            s.pollForwarded(now);
        }
        int best = -1;
        for (int i = 0; i < QUEUE; i++) {
            if (!qUsed[i] || qDue[i] > now) {
                continue;
            }
            if ((qDst[i] != Ip.BROADCAST && qDst[i] != sipr) || !udpPortOpen.test(qDstPort[i])) {
                qUsed[i] = false;
                dropped++;
                if (trace != null) {
                    trace.line("# LAN: answer from " + Ip.format(qSrc[i]) + ":" + qSrcPort[i] + " to "
                            + Ip.format(qDst[i]) + ":" + qDstPort[i] + " dropped (no UDP socket on that port"
                            + " or not our SIPR " + Ip.format(sipr) + ")");
                }
                continue;
            }
            if (qDstPort[i] == port && (best < 0 || qSeq[i] < qSeq[best])) {
                best = i;
            }
        }
        if (best < 0) {
            return -1;
        }
        qUsed[best] = false;
        out.clear();
        out.put(qData[best], 0, qLen[best]);
        out.flip();
        takenFrom = qSrc[best];
        takenFromPort = qSrcPort[best];
        return qLen[best];
    }

    /** Source address of the answer last returned by {@link #take}. */
    public int takenFrom() {
        return takenFrom;
    }

    /** Source port of the answer last returned by {@link #take}. */
    public int takenFromPort() {
        return takenFromPort;
    }

    /** Forgets answers in flight (the simulator calls this on a chip reset: nobody is listening). */
    public void dropQueued() {
        java.util.Arrays.fill(qUsed, false);
    }

    /** Closes the DNS forwarding sockets. */
    @Override
    public void close() {
        for (DnsServer s : dns) {
            s.close();
        }
    }

    // ---------------------------------------------------------------- services side

    long now() {
        return nanoClock.getAsLong();
    }

    /** Queues an answer; false (counted) when the queue is full. */
    boolean emit(int src, int srcPort, int dst, int dstPort, byte[] data, int len, long due) {
        for (int i = 0; i < QUEUE; i++) {
            if (!qUsed[i]) {
                System.arraycopy(data, 0, qData[i], 0, len);
                qLen[i] = len;
                qSrc[i] = src;
                qSrcPort[i] = srcPort;
                qDst[i] = dst;
                qDstPort[i] = dstPort;
                qDue[i] = due;
                qSeq[i] = seq++;
                qUsed[i] = true;
                return true;
            }
        }
        dropped++;
        event("answer queue full: one dropped");
        return false;
    }

    boolean tracing() {
        return trace != null;
    }

    void event(String what) {
        if (trace != null) {
            trace.line("# LAN: " + what);
        }
    }

    // ---------------------------------------------------------------- for tests and tools

    /** The first DHCP server declared. */
    public DhcpServer dhcp() {
        return first(dhcp, "DHCP");
    }

    /** The DHCP server at {@code address}. */
    public DhcpServer dhcp(String address) {
        int a = Ip.parse(address);
        for (DhcpServer s : dhcp) {
            if (s.address == a) {
                return s;
            }
        }
        throw new IllegalArgumentException("no DHCP server at " + address);
    }

    /** The first DNS server declared. */
    public DnsServer dns() {
        return first(dns, "DNS");
    }

    /** The DNS server at {@code address}. */
    public DnsServer dns(String address) {
        int a = Ip.parse(address);
        for (DnsServer s : dns) {
            if (s.address == a) {
                return s;
            }
        }
        throw new IllegalArgumentException("no DNS server at " + address);
    }

    /** The first NTP server declared. */
    public NtpServer ntp() {
        return first(ntp, "NTP");
    }

    /** The NTP server at {@code address}. */
    public NtpServer ntp(String address) {
        int a = Ip.parse(address);
        for (NtpServer s : ntp) {
            if (s.address == a) {
                return s;
            }
        }
        throw new IllegalArgumentException("no NTP server at " + address);
    }

    /**
     * From now on a station at {@code address} answers ARP (and nothing else): the address is in use,
     * e.g. one a DHCP server is about to offer, so a client's ARP check finds it taken.
     */
    public LanServices occupy(String address) {
        int a = Ip.parse(address);
        if (!answersArp(a)) {
            if (occupiedCount == occupied.length) {
                throw new IllegalStateException("at most " + occupied.length + " occupied addresses");
            }
            occupied[occupiedCount++] = a;
        }
        return this;
    }

    /** Undoes {@link #occupy}. */
    public LanServices vacate(String address) {
        int a = Ip.parse(address);
        for (int i = 0; i < occupiedCount; i++) {
            if (occupied[i] == a) {
                occupied[i] = occupied[--occupiedCount];
                return this;
            }
        }
        return this;
    }

    /** Answers dropped: the queue was full, or no socket could receive them when they were due. */
    public int droppedAnswers() {
        return dropped;
    }

    /** Answers queued and not yet delivered. */
    public int queuedAnswers() {
        int n = 0;
        for (boolean u : qUsed) {
            if (u) {
                n++;
            }
        }
        return n;
    }

    private static <T> T first(T[] servers, String what) {
        if (servers.length == 0) {
            throw new IllegalStateException("no " + what + " server declared");
        }
        return servers[0];
    }
}
