package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.w5100alert.firmware.dhcp.DhcpPacket;
import dev.w5100alert.firmware.dns.DnsMessage;
import dev.w5100alert.firmware.ntp.SntpPacket;
import dev.w5100alert.hal.Ipv4;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutation fuzzing of the DHCP, DNS and SNTP parsers. Each input is a valid reply with 1..8
 * random mutations (bit flips, random bytes, compression-pointer bytes, truncation, random tails).
 * Each is parsed twice: from an array exactly its length (any read past the end throws) and from
 * the same bytes followed by random garbage with the same length passed (the result must not
 * change). No exception may escape; the documented results are the parsers' return codes.
 *
 * <p>CI runs {@value #CI_COUNT} inputs per parser and seed. The long run:
 * {@code mvn -pl firmware -am verify -Dtest=LanParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dlan.fuzz.count=1000000}
 */
class LanParserFuzzTest {

    static final int CI_COUNT = 20_000;
    static final int COUNT = Integer.getInteger("lan.fuzz.count", CI_COUNT);

    private final byte[][] exact = new byte[1600][];
    private final byte[] padded = new byte[2048];

    private byte[] exact(byte[] src, int len) {
        byte[] e = exact[len];
        if (e == null) {
            e = exact[len] = new byte[len];
        }
        System.arraycopy(src, 0, e, 0, len);
        return e;
    }

    private byte[] padded(byte[] src, int len, SplittableRandom r) {
        System.arraycopy(src, 0, padded, 0, len);
        for (int i = len; i < padded.length; i++) {
            padded[i] = (byte) r.nextInt(256);
        }
        return padded;
    }

    /** Mutates {@code base[0, len)} into {@code out}; returns the new length (0..max). */
    static int mutate(byte[] base, int len, byte[] out, int max, SplittableRandom r) {
        System.arraycopy(base, 0, out, 0, len);
        int n = len;
        int edits = 1 + r.nextInt(8);
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(6)) {
                case 0 -> {
                    if (n > 0) {
                        out[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    if (n > 0) {
                        out[r.nextInt(n)] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> {
                    if (n > 1) { // a compression pointer anywhere, to anywhere
                        int at = r.nextInt(n - 1);
                        int to = r.nextInt(Math.max(1, n + 8));
                        out[at] = (byte) (0xC0 | (to >>> 8));
                        out[at + 1] = (byte) to;
                    }
                }
                case 3 -> n = r.nextInt(n + 1);
                case 4 -> {
                    int grow = Math.min(max - n, r.nextInt(64));
                    for (int i = 0; i < grow; i++) {
                        out[n++] = (byte) r.nextInt(256);
                    }
                }
                default -> {
                    if (n > 4) { // a small length-like value (option / label lengths)
                        out[r.nextInt(n)] = (byte) r.nextInt(70);
                    }
                }
            }
        }
        return n;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 20261201})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void dhcpReader(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DhcpPacket a = new DhcpPacket();
        DhcpPacket b = new DhcpPacket();
        byte[] base = DhcpPacketTest.reply(53, 1, 5, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0,
                3, 4, 10, 0, 0, 1, 6, 8, 10, 0, 0, 53, 10, 0, 0, 54, 42, 4, 10, 0, 0, 123, 52, 1, 3, 255);
        base = java.util.Arrays.copyOf(base, 320);
        base[108] = 58;
        base[109] = 4;
        base[44] = 59;
        base[45] = 4;
        byte[] m = new byte[1024];
        int[] results = new int[8];
        for (int i = 0; i < COUNT; i++) {
            int n = mutate(base, base.length, m, m.length, r);
            int ra;
            int rb;
            try {
                ra = a.read(exact(m, n), n);
                rb = b.read(padded(m, n, r), n);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " input " + i + ": " + e, e);
            }
            int fi = i;
            assertEquals(ra, rb, () -> "seed " + seed + " input " + fi + ": result depends on bytes past the length");
            if (ra == DhcpPacket.OK) {
                assertEquals(a.serverId, b.serverId, () -> "seed " + seed + " input " + fi);
                assertEquals(a.lease, b.lease, () -> "seed " + seed + " input " + fi);
                assertEquals(a.messageType, b.messageType, () -> "seed " + seed + " input " + fi);
                assertEquals(a.dnsCount, b.dnsCount, () -> "seed " + seed + " input " + fi);
            }
            results[ra]++;
        }
        report("DHCP", seed, results);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2, 20261202})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void dnsReader(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DnsMessage a = new DnsMessage();
        DnsMessage b = new DnsMessage();
        byte[] qname = new byte[255];
        int qlen = DnsMessage.encodeName("smtp.example.com", qname);
        DnsMessageTest.Reply reply = DnsMessageTest.Reply.standard(3);
        reply.bytes(0xC0, 12).u16(5).u16(1).u32(60).u16(8);
        int relayAt = reply.out.size();
        reply.bytes(5, 'r', 'e', 'l', 'a', 'y', 0xC0, 17);
        reply.bytes(0xC0, relayAt).u16(1).u16(1).u32(600).u16(4).u32(Ipv4.of(10, 0, 0, 9) & 0xFFFFFFFFL);
        reply.bytes(0xC0, relayAt).u16(1).u16(1).u32(600).u16(4).u32(Ipv4.of(10, 0, 0, 10) & 0xFFFFFFFFL);
        byte[] base = reply.build();
        byte[] m = new byte[DnsMessage.MAX_UDP];
        int[] results = new int[8];
        for (int i = 0; i < COUNT; i++) {
            int n = mutate(base, base.length, m, m.length, r);
            // keep the ID most of the time so the parser gets past the header
            int ra;
            int rb;
            try {
                ra = a.readReply(exact(m, n), n, DnsMessageTest.ID, qname, qlen);
                rb = b.readReply(padded(m, n, r), n, DnsMessageTest.ID, qname, qlen);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " input " + i + ": " + e, e);
            }
            int fi = i;
            assertEquals(ra, rb, () -> "seed " + seed + " input " + fi + ": result depends on bytes past the length");
            if (ra == DnsMessage.ADDRESS) {
                assertEquals(a.address(), b.address(), () -> "seed " + seed + " input " + fi);
            }
            results[ra]++;
        }
        report("DNS", seed, results);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 20261203})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void sntpReader(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SntpPacket a = SntpPacket.view();
        SntpPacket b = SntpPacket.view();
        long t1 = SntpPacketTest.T1;
        byte[] base = SntpPacketTest.reply(0x24, 2, t1, t1 + 5, t1 + 6);
        byte[] m = new byte[128];
        int[] results = new int[9];
        for (int i = 0; i < COUNT; i++) {
            int n = mutate(base, base.length, m, m.length, r);
            int ra;
            int rb;
            try {
                ra = a.wrap(exact(m, n), n).check(t1);
                rb = b.wrap(padded(m, n, r), n).check(t1);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " input " + i + ": " + e, e);
            }
            int fi = i;
            assertEquals(ra, rb, () -> "seed " + seed + " input " + fi + ": result depends on bytes past the length");
            results[ra]++;
        }
        report("SNTP", seed, results);
    }

    private static void report(String what, long seed, int[] results) {
        StringBuilder sb = new StringBuilder(what).append(" fuzz seed ").append(seed).append(": ").append(COUNT)
                .append(" inputs, 0 exceptions, results by code");
        for (int i = 0; i < results.length; i++) {
            sb.append(' ').append(i).append('=').append(results[i]);
        }
        System.out.println(sb);
    }
}
