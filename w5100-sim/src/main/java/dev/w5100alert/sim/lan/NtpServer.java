package dev.w5100alert.sim.lan;

import java.util.function.LongSupplier;

/**
 * An SNTP server on the virtual LAN (RFC 4330 5, server side; UDP port 123), written from the RFC.
 *
 * <p>Packet (48 bytes): {@code LI(2) VN(3) Mode(3) | Stratum | Poll | Precision | Root Delay(4) |
 * Root Dispersion(4) | Reference ID(4) | Reference(8) | Originate(8) | Receive(8) | Transmit(8)};
 * timestamps are seconds since 1900 (32 bits, wrapping in 2036: era 1 continues from 0) and a 32-bit
 * fraction.
 *
 * <p>A request (mode 3, any version 1..4) gets mode 4 with the request's version, the configured
 * stratum, the request's transmit timestamp as originate, and receive = transmit = the server's time:
 * its wall clock plus its offset, read when the request arrives. Other modes are ignored.
 *
 * <p>Faults ({@link NtpFault}): for every request ({@link #fault}) or the next n ({@link #faultNext}).
 * Allocation: none per request.
 */
public final class NtpServer {
    static final int PORT = 123;
    /** Seconds from 1900-01-01 to 1970-01-01. */
    static final long UNIX_TO_NTP = 2_208_988_800L;
    private static final int PACKET = 48;

    final int address;
    private final LanServices lan;
    private final LongSupplier wallClock;
    private long offsetMillis;
    private final int stratum;
    private long replyDelayNanos;
    private NtpFault fault;
    private NtpFault nextFault = NtpFault.NONE;
    private int nextFaultCount;
    private int requests;
    private int answered;
    private long lastServerMillis;
    private final byte[] out = new byte[PACKET];

    NtpServer(NtpServerSpec spec, LanServices lan) {
        this.address = spec.address;
        this.lan = lan;
        this.wallClock = spec.wallClock;
        this.offsetMillis = spec.offsetMillis;
        this.stratum = spec.stratum;
        this.replyDelayNanos = spec.replyDelayNanos;
        this.fault = spec.fault;
    }

    void receive(int srcIp, int srcPort, byte[] in, int len, long now) {
        if (len < PACKET) {
            return;
        }
        int mode = in[0] & 7;
        int version = (in[0] >>> 3) & 7;
        if (mode != 3 || version < 1 || version > 4) {
            return;
        }
        requests++;
        NtpFault f = fault;
        if (nextFaultCount > 0) {
            nextFaultCount--;
            f = nextFault;
        }
        if (f == NtpFault.SILENT) {
            if (lan.tracing()) {
                lan.event("NTP " + Ip.format(address) + ": request unanswered (fault)");
            }
            return;
        }
        long millis = wallClock.getAsLong() + offsetMillis;
        lastServerMillis = millis;
        java.util.Arrays.fill(out, (byte) 0);
        int li = f == NtpFault.LEAP_UNSYNCHRONISED ? 3 : 0;
        out[0] = (byte) (li << 6 | version << 3 | 4);
        out[2] = in[2];                     // poll: echo the client's
        out[3] = (byte) -20;                // precision: about a microsecond
        Ip.put32(out, 4, 0x00000100);       // root delay 1/256 s
        Ip.put32(out, 8, 0x00000100);       // root dispersion 1/256 s
        if (f == NtpFault.KISS_OF_DEATH) {
            out[1] = 0;
            out[12] = 'R';
            out[13] = 'A';
            out[14] = 'T';
            out[15] = 'E';
        } else {
            out[1] = (byte) stratum;
            Ip.put32(out, 12, stratum == 1 ? 0x4C4F434C : address); // "LOCL", or the upstream's address
        }
        putTimestamp(16, millis - 64_000);  // reference: last set a minute ago
        System.arraycopy(in, 40, out, 24, 8);
        if (f == NtpFault.WRONG_ORIGINATE) {
            Ip.put32(out, 24, Ip.get32(out, 24) + 1);
        }
        putTimestamp(32, millis);
        if (f != NtpFault.ZERO_TRANSMIT) {
            putTimestamp(40, millis);
        }
        answered++;
        if (lan.tracing()) {
            lan.event("NTP " + Ip.format(address) + ": answer" + (f == NtpFault.NONE ? "" : " (fault " + f + ")"));
        }
        lan.emit(address, PORT, srcIp, srcPort, out, PACKET, now + replyDelayNanos);
    }

    private void putTimestamp(int at, long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L) + UNIX_TO_NTP;
        long ms = Math.floorMod(epochMillis, 1000L);
        Ip.put32(out, at, (int) seconds); // mod 2^32: the era wraps in 2036
        Ip.put32(out, at + 4, (int) ((ms << 32) / 1000L));
    }

    /** The fault for every request from now on ({@link NtpFault#NONE} to answer correctly). */
    public NtpServer fault(NtpFault f) {
        fault = f == null ? NtpFault.NONE : f;
        return this;
    }

    /** The next {@code n} requests get {@code f}; then {@link #fault} applies again. */
    public NtpServer faultNext(NtpFault f, int n) {
        nextFault = f == null ? NtpFault.NONE : f;
        nextFaultCount = DhcpServer.checkCount(n);
        return this;
    }

    /** Changes the offset added to the wall clock. */
    public NtpServer offsetMillis(long millis) {
        offsetMillis = millis;
        return this;
    }

    /** Virtual time between a request and its answer. */
    public NtpServer replyDelayMillis(long millis) {
        replyDelayNanos = Ip.checkDelay(millis);
        return this;
    }

    /** The server's address. */
    public String address() {
        return Ip.format(address);
    }

    /** Client requests received (mode 3). */
    public int requests() {
        return requests;
    }

    /** Answers sent. */
    public int answered() {
        return answered;
    }

    /** The server time (epoch ms) put in the last answer. */
    public long lastServerMillis() {
        return lastServerMillis;
    }

    @Override
    public String toString() {
        return "NTP server " + address();
    }
}
