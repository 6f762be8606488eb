package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.w5100alert.firmware.ntp.SntpPacket;
import org.junit.jupiter.api.Test;

/** The SNTP reply checks and the timestamp arithmetic alone. */
class SntpPacketTest {

    static final long T1 = SntpPacket.fromUnixMillis(1_795_380_581_000L);
    final SntpPacket view = SntpPacket.view();

    static byte[] reply(int first, int stratum, long originate, long receive, long transmit) {
        byte[] b = new byte[48];
        b[0] = (byte) first;
        b[1] = (byte) stratum;
        put(b, 24, originate);
        put(b, 32, receive);
        put(b, 40, transmit);
        return b;
    }

    static void put(byte[] b, int at, long v) {
        for (int k = 0; k < 8; k++) {
            b[at + k] = (byte) (v >>> (56 - 8 * k));
        }
    }

    int check(byte[] b) {
        return view.wrap(b, b.length).check(T1);
    }

    @Test
    void acceptsAGoodServerReply() {
        assertEquals(SntpPacket.OK, check(reply(0x24, 2, T1, T1 + 5, T1 + 6)));
        assertEquals(SntpPacket.OK, check(reply(0x1C, 1, T1, T1 + 5, T1 + 6)), "version 3 too");
    }

    @Test
    void refusesEachBadReply() {
        assertEquals(SntpPacket.KISS_OF_DEATH, check(reply(0x24, 0, T1, T1, T1)));
        assertEquals(SntpPacket.UNSYNCHRONISED, check(reply(0xE4, 2, T1, T1, T1)));
        assertEquals(SntpPacket.NOT_SERVER_MODE, check(reply(0x23, 2, T1, T1, T1)));
        assertEquals(SntpPacket.NOT_SERVER_MODE, check(reply(0x25, 2, T1, T1, T1)), "broadcast mode");
        assertEquals(SntpPacket.BAD_VERSION, check(reply(0x3C, 2, T1, T1, T1)));
        assertEquals(SntpPacket.BAD_STRATUM, check(reply(0x24, 16, T1, T1, T1)));
        assertEquals(SntpPacket.ORIGINATE_MISMATCH, check(reply(0x24, 2, T1 + 1, T1, T1)));
        assertEquals(SntpPacket.ZERO_TIMESTAMP, check(reply(0x24, 2, T1, T1, 0)));
        assertEquals(SntpPacket.ZERO_TIMESTAMP, check(reply(0x24, 2, T1, 0, T1)));
        assertEquals(SntpPacket.TOO_SHORT, view.wrap(reply(0x24, 2, T1, T1, T1), 47).check(T1));
    }

    @Test
    void offsetAndDelayFollowRfc4330() {
        long s = 1L << 32;
        // server 10 s ahead, 0.2 s each way, 0.1 s in the server
        long t1 = T1;
        long t2 = T1 + 10 * s + s / 5;
        long t3 = t2 + s / 10;
        long t4 = T1 + s / 2;
        assertEquals(10_000, SntpPacket.durationMillis(SntpPacket.offset(t1, t2, t3, t4)));
        assertEquals(400, SntpPacket.durationMillis(SntpPacket.delay(t1, t2, t3, t4)));
        assertEquals(-1500, SntpPacket.durationMillis(-(3 * s / 2)));
    }

    @Test
    void era1TimestampsAfter2036StillGiveTheRightOffset() {
        // board believes 2036-02-07 06:28:00 (era 0 end is 06:28:16), server 60 s later (era 1, small seconds)
        long boardMillis = (0xFFFF_FFFFL - 16 - SntpPacket.NTP_TO_UNIX_SECONDS) * 1000L;
        long t1 = SntpPacket.fromUnixMillis(boardMillis);
        long server = SntpPacket.fromUnixMillis(boardMillis + 60_000);
        assertEquals(43L, server >>> 32, "wrapped into era 1");
        long offset = SntpPacket.offset(t1, server, server, t1);
        assertEquals(60_000, SntpPacket.durationMillis(offset));
    }
}
