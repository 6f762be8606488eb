package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.ntp.SntpClient;
import dev.w5100alert.firmware.ntp.SntpClient.Result;
import dev.w5100alert.firmware.ntp.SntpPacket;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SNTP server rotation, backoff and the wall clock, over a scripted link. */
class SntpClientTest {

    static final long S = 1_000_000_000L;
    static final int NTP1 = Ipv4.of(10, 0, 0, 123);
    static final int NTP2 = Ipv4.of(10, 0, 0, 124);

    long now = S;
    long boardEpoch = 1_700_000_000_000L;
    final Clock base = new Clock() {
        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return boardEpoch + now / 1_000_000L;
        }

        @Override
        public void idle() {
        }
    };
    final NetworkClock wall = new NetworkClock(base);
    final ScriptedUdpLink link = new ScriptedUdpLink();
    final SntpClient client = new SntpClient(link, wall, RandomSource.secure(), 3600 * S);
    final List<Integer> asked = new ArrayList<>();
    /** Server's true time minus the board's. */
    long serverAheadMillis = 90_000;
    int kissFrom;
    final byte[] reply = new byte[48];

    SntpClientTest() {
        link.peer = (ip, port, b, off, len, l) -> {
            asked.add(ip);
            System.arraycopy(b, off + 40, reply, 24, 8); // originate = our transmit
            reply[0] = 0x24;
            reply[1] = (byte) (ip == kissFrom ? 0 : 2);
            long t = SntpPacket.fromUnixMillis(base.epochMillis() + serverAheadMillis);
            SntpPacketTest.put(reply, 32, t);
            SntpPacketTest.put(reply, 40, t);
            l.deliver(ip, 123, reply, 0, 48);
            return len;
        };
        client.servers(new int[] {NTP1, NTP2}, 2);
    }

    void runFor(long nanos) {
        long end = now + nanos;
        for (int guard = 0; guard < 10_000 && now < end; guard++) {
            long at = client.doWork(now);
            if (link.pending() == 0) {
                now = Math.min(end, Math.max(at, now + 1));
            }
        }
    }

    @Test
    void setsTheWallClockWithoutTouchingTheBaseClock() {
        assertFalse(wall.known());
        assertTrue(wall.mailMayGo(now, now - 301 * S, 300 * S), "bounded wait for time");
        assertFalse(wall.mailMayGo(now, now, 300 * S));
        runFor(S);
        assertTrue(wall.known());
        assertEquals(90_000, wall.offsetMillis(), 2);
        assertEquals(base.epochMillis() + wall.offsetMillis(), wall.epochMillis());
        assertEquals(Result.SYNCED, client.lastResult());
        assertTrue(wall.mailMayGo(now, now, 300 * S));
        assertEquals(List.of(NTP1), asked);
    }

    @Test
    void aKissOfDeathMovesToTheNextServer() {
        kissFrom = NTP1;
        runFor(S);
        assertEquals(List.of(NTP1, NTP2), asked);
        assertTrue(wall.known());
    }

    @Test
    void backsOffAfterARoundWithoutAnswersAndUsesAFreshPortPerRequest() {
        link.peer = (ip, port, b, off, len, l) -> {
            asked.add(ip);
            return len;
        };
        runFor(5 * S);
        assertEquals(List.of(NTP1, NTP2), asked, "2 s timeout each, then a backoff of 8 +- 1 s");
        assertEquals(Result.TIMEOUT, client.lastResult());
        runFor(5 * S);
        assertEquals(2, asked.size(), "still backing off at 11 s");
        runFor(7 * S);
        assertEquals(4, asked.size());
        assertFalse(wall.known());
        assertTrue(link.binds >= 4);
    }

    @Test
    void reSyncsAfterTheIntervalAndAddsTheResidualOffset() {
        runFor(S);
        serverAheadMillis = 90_500; // the board's crystal lost half a second in the hour
        runFor(3601 * S);
        assertEquals(2, wall.syncs());
        assertEquals(90_500, wall.offsetMillis(), 2);
    }
}
