package dev.w5100alert.sim;

import static dev.w5100alert.sim.LanWire.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.sim.lan.NtpFault;
import dev.w5100alert.sim.lan.NtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LAN's SNTP server through a chip UDP socket, at raw frame level. */
class LanNtpTest {
    static final int NTP = ip("192.168.1.123");
    static final long UNIX_TO_NTP = 2_208_988_800L;
    /** 2026-12-01T00:00:00.250Z */
    static final long WALL = 1_796_083_200_250L;

    VirtualClock clock = new VirtualClock();
    long wall = WALL;
    W5100Simulator sim;
    LanWire w;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    void start(long offsetMillis) {
        sim = new W5100Simulator(VirtualNetwork.builder()
                .ntpServer("192.168.1.123", t -> t.wallClock(() -> wall).offsetMillis(offsetMillis)).build(),
                clock::nanoTime);
        w = new LanWire(sim, clock).configure(ip("192.168.1.50"), ip("255.255.255.0"), ip("192.168.1.1"));
        w.openUdp(0, 50123);
    }

    NtpServer server() {
        return sim.lan().ntp();
    }

    static byte[] request(long transmitSeconds, int fraction) {
        byte[] p = new byte[48];
        p[0] = 0x23; // LI 0, VN 4, mode 3
        put32(p, 40, (int) transmitSeconds);
        put32(p, 44, fraction);
        return p;
    }

    static void put32(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 24);
        p[at + 1] = (byte) (v >>> 16);
        p[at + 2] = (byte) (v >>> 8);
        p[at + 3] = (byte) v;
    }

    static long u32(byte[] p, int at) {
        return (((p[at] & 0xFFL) << 24) | ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF));
    }

    byte[] ask(byte[] request) {
        assertTrue(w.sendTo(0, NTP, 123, request));
        return w.receive(0, 100);
    }

    @Test
    void answersWithHostTimePlusTheOffsetAndEchoesTheTransmitTimestamp() {
        start(-90_000);
        byte[] r = ask(request(3_000_000_000L, 0x12345678));
        assertEquals(48, r.length);
        assertEquals(NTP, w.lastSourceIp);
        assertEquals(123, w.lastSourcePort);
        assertEquals(0, (r[0] >>> 6) & 3, "LI 0");
        assertEquals(4, (r[0] >>> 3) & 7, "version echoed");
        assertEquals(4, r[0] & 7, "mode server");
        assertEquals(2, r[1], "stratum");
        assertEquals(3_000_000_000L, u32(r, 24), "originate = request's transmit");
        assertEquals(0x12345678L, u32(r, 28));
        long expectSeconds = (WALL - 90_000) / 1000 + UNIX_TO_NTP;
        assertEquals(expectSeconds, u32(r, 32), "receive timestamp");
        assertEquals(expectSeconds, u32(r, 40), "transmit timestamp");
        assertEquals(250, Math.round(u32(r, 44) * 1000.0 / 4294967296.0), "fraction of .250 s");
        assertEquals(1, server().answered());
    }

    @Test
    void timestampsWrapIntoEraOneAfter2036() {
        start(0);
        wall = (0x1_0000_0000L - UNIX_TO_NTP) * 1000L + 5_000; // 2036-02-07T06:28:21Z
        byte[] r = ask(request(1, 0));
        assertEquals(5, u32(r, 40));
    }

    @Test
    void kissOfDeath() {
        start(0);
        server().fault(NtpFault.KISS_OF_DEATH);
        byte[] r = ask(request(1000, 0));
        assertEquals(0, r[1], "stratum 0");
        assertEquals("RATE", new String(r, 12, 4));
    }

    @Test
    void leapIndicatorUnsynchronised() {
        start(0);
        server().faultNext(NtpFault.LEAP_UNSYNCHRONISED, 1);
        assertEquals(3, (ask(request(1000, 0))[0] >>> 6) & 3);
        assertEquals(0, (ask(request(1000, 0))[0] >>> 6) & 3, "only the next request");
    }

    @Test
    void wrongOriginateAndZeroTransmit() {
        start(0);
        server().faultNext(NtpFault.WRONG_ORIGINATE, 1);
        assertNotEquals(1000, u32(ask(request(1000, 0)), 24));
        server().faultNext(NtpFault.ZERO_TRANSMIT, 1);
        byte[] r = ask(request(1000, 0));
        assertEquals(0, u32(r, 40) | u32(r, 44));
    }

    @Test
    void noAnswer() {
        start(0);
        server().fault(NtpFault.SILENT);
        assertNull(ask(request(1000, 0)));
        assertEquals(1, server().requests());
        assertEquals(0, server().answered());
    }

    @Test
    void requestsThatAreNotClientModeAreIgnored() {
        start(0);
        byte[] q = request(1000, 0);
        q[0] = 0x24; // mode 4
        assertNull(ask(q));
        assertEquals(0, server().requests());
    }
}
