package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ConfigTypesTest {

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 0x5eed0000L + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void ipv4TextRoundTrips(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 200; i++) {
            int ip = r.nextInt();
            assertEquals(ip, Ipv4.parse(Ipv4.format(ip)), "seed " + seed + " ip " + Integer.toHexString(ip));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "1..2.3", "-1.2.3.4"})
    void malformedAddressesAreRejectedWithTheirText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(text));
        assertEquals(true, e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void memorySplitHandsOutMemoryInSocketOrderUntilItRunsOut() {
        MemorySplit eight = MemorySplit.kilobytes(8, 1, 1, 1);
        assertEquals(8192, eight.txBytes(0));
        assertEquals(0, eight.txBytes(1));
        MemorySplit mixed = MemorySplit.kilobytes(4, 2, 1, 1);
        assertEquals(0x4000 + 6144, mixed.txBase(2));
        assertEquals(0x6000 + 7168, mixed.rxBase(3));
        assertEquals(1024, mixed.rxBytes(3));
        assertEquals(MemorySplit.EVEN, MemorySplit.kilobytes(2, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MemorySplit.kilobytes(3, 1, 1, 1));
    }

    @Test
    void chipGiveUpTimesFollowTheDatasheet() {
        NetworkConfig c = RegisterTrafficTest.CONFIG;
        assertEquals(1_800_000_000L, c.arpGiveUpNanos(), "RTR x (RCR+1) = 200 ms x 9");
        assertEquals(31_800_000_000L, c.tcpGiveUpNanos(), "datasheet example: 31.8 s with RTR 200 ms, RCR 8");
        // Doubling holds once it would leave 16 bits: at 64000 for RTR 1000 (6 doublings), at 40000
        // for RTR 40000 (none), and every one of RCR+1 tries counts even past 32 of them.
        assertEquals((1000 + 2000 + 4000 + 8000 + 16000 + 32000 + 64000 * 3) * 100_000L,
                c.withRetry(1000, 8).tcpGiveUpNanos());
        assertEquals(40000L * 3 * 100_000L, c.withRetry(40000, 2).tcpGiveUpNanos());
        assertEquals((2000 + 4000 + 8000 + 16000 + 32000 + 64000L * 36) * 100_000L,
                c.withRetry(2000, 40).tcpGiveUpNanos());
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.of(1L << 40, 1, 0, 0), "multicast MAC");
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.of(2, 0, 0, 0), "IP 0.0.0.0");
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.of(2, -1, -1, 0), "IP 255.255.255.255");
    }

    @Test
    void onLinkTellsHostFromGatewayUnreachable() {
        NetworkConfig c = RegisterTrafficTest.CONFIG; // 192.168.1.10/24
        assertEquals(true, c.isOnLink(Ipv4.of(192, 168, 1, 99)));
        assertEquals(false, c.isOnLink(Ipv4.of(192, 168, 2, 99)));
        assertEquals(false, c.isOnLink(Ipv4.of(10, 0, 0, 1)));
    }
}
