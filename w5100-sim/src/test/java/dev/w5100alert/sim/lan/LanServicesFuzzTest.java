package dev.w5100alert.sim.lan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile datagrams at the services: random bytes and mutations of well-formed requests never throw,
 * and whatever comes back fits a datagram. Runs {@code -Dlan.fuzz.count=N} inputs per seed (default
 * 20,000; e.g. 1000000 for a long run).
 */
class LanServicesFuzzTest {
    static final int COUNT = Integer.getInteger("lan.fuzz.count", 20_000);
    static final int SERVER = 0xC0A80101;
    static final int DNS = 0xC0A80135;
    static final int NTP = 0xC0A8017B;

    static LanServices services(long[] now) {
        LanConfig.Builder b = LanConfig.builder();
        b.dhcp("192.168.1.1").pool("192.168.1.100", "192.168.1.103").dnsServers("192.168.1.53").domain("lan");
        b.dns("192.168.1.53").a("a.example", "10.0.0.1").cname("b.example", "a.example").cname("c.example", "c.example");
        b.ntp("192.168.1.123");
        return new LanServices(b.build(), () -> now[0], port -> true);
    }

    static byte[] seedPacket(Random r, int kind) {
        byte[] p;
        switch (kind) {
            case 0 -> {
                p = new byte[300];
                p[0] = 1;
                p[1] = 1;
                p[2] = 6;
                p[236] = 0x63;
                p[237] = (byte) 0x82;
                p[238] = 0x53;
                p[239] = 0x63;
                byte[] opts = {53, 1, (byte) (1 + r.nextInt(8)), 50, 4, (byte) 192, (byte) 168, 1, 100, 54, 4,
                    (byte) 192, (byte) 168, 1, 1, 55, 3, 1, 3, 6, 61, 3, 1, 2, 3, 12, 2, 'h', 'i', 52, 1, 3, (byte) 255};
                System.arraycopy(opts, 0, p, 240, opts.length);
            }
            case 1 -> p = new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'b', 7, 'e', 'x', 'a', 'm', 'p',
                'l', 'e', 0, 0, 1, 0, 1};
            default -> {
                p = new byte[48];
                p[0] = 0x23;
            }
        }
        return p;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void hostileDatagramsNeverThrowAndAnswersStayBounded(long seed) {
        Random r = new Random(seed);
        long[] now = {1_000_000_000L};
        LanServices lan = services(now);
        DhcpServer dhcp = lan.dhcp();
        DnsServer dns = lan.dns();
        dns.faultNext(DnsFault.NONE, 0);
        ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer out = ByteBuffer.allocate(2048);
        int answers = 0;
        for (int i = 0; i < COUNT; i++) {
            int kind = r.nextInt(3);
            byte[] p = seedPacket(r, kind);
            if (r.nextInt(4) == 0) {
                p = new byte[r.nextInt(600)];
                r.nextBytes(p);
            } else {
                for (int m = r.nextInt(8); m >= 0; m--) {
                    p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                }
                if (r.nextBoolean()) {
                    p = java.util.Arrays.copyOf(p, r.nextInt(p.length + 1));
                }
            }
            if (i % 97 == 0) {
                dns.fault(DnsFault.values()[r.nextInt(DnsFault.values().length)]);
                lan.ntp().fault(NtpFault.values()[r.nextInt(NtpFault.values().length)]);
                dhcp.nakRequests(r.nextInt(2)).ignoreRenewals(r.nextBoolean());
            }
            in.clear();
            in.put(p).flip();
            int dst = switch (kind) {
                case 0 -> r.nextBoolean() ? -1 : SERVER;
                case 1 -> DNS;
                default -> NTP;
            };
            int port = kind == 0 ? 67 : kind == 1 ? 53 : 123;
            try {
                lan.fromChip(r.nextBoolean() ? 0 : 0xC0A80164, 68, dst, port, in);
                now[0] += 2_000_000L;
                for (int k = 0; k < LanServices.QUEUE; k++) {
                    int n = lan.take(kind == 0 ? 68 : 68, 0xC0A80164, out);
                    if (n < 0) {
                        break;
                    }
                    assertTrue(n <= LanServices.MAX_DATAGRAM, "seed " + seed + " input " + i);
                    answers++;
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " input " + i + " threw " + e, e);
            }
        }
        assertTrue(answers > COUNT / 20, "some inputs were still answered: " + answers + ", seed " + seed);
        assertTrue(dhcp.malformed() > 0, "some DHCP inputs were refused, seed " + seed);
        lan.close();
    }
}
