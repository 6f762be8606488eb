package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.dns.DnsResolver.Status;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.hal.Ipv4;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolver's server choice, timeouts and cache over a scripted link with two DNS servers. */
class DnsResolverTest {

    static final long S = 1_000_000_000L;
    static final int NS1 = Ipv4.of(10, 0, 0, 53);
    static final int NS2 = Ipv4.of(10, 0, 0, 54);

    final ScriptedUdpLink link = new ScriptedUdpLink();
    final DnsResolver resolver = new DnsResolver(link, RandomSource.secure(), 4);
    final List<Integer> asked = new ArrayList<>();
    final List<Long> askedAt = new ArrayList<>();
    /** Per server: the RCODE/flags word to answer with, or -1 for silence. */
    int ns1Flags = 0x8180;
    int ns2Flags = 0x8180;
    long ttl = 60;
    long now = S;

    DnsResolverTest() {
        resolver.servers(new int[] {NS1, NS2}, 2);
        link.peer = (ip, port, b, off, len, l) -> {
            asked.add(ip);
            askedAt.add(now);
            int flags = ip == NS1 ? ns1Flags : ns2Flags;
            if (flags < 0) {
                return len;
            }
            byte[] r = java.util.Arrays.copyOf(b, len + 16);
            r[2] = (byte) (flags >>> 8);
            r[3] = (byte) flags;
            int p = len;
            if ((flags & 0x020F) == 0) {
                r[7] = 1;
                byte[] rr = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, (byte) (ttl >>> 8), (byte) ttl, 0, 4, 10, 1, 1, (byte) (ip & 0xFF)};
                System.arraycopy(rr, 0, r, p, rr.length);
                p += rr.length;
            }
            l.deliver(ip, 53, r, 0, p);
            return len;
        };
    }

    Status run(String name) {
        Status s = resolver.resolve(name, now);
        for (int guard = 0; guard < 1000 && resolver.status() == Status.PENDING; guard++) {
            long at = resolver.doWork(now);
            if (link.pending() == 0 && resolver.status() == Status.PENDING) {
                now = Math.max(now, at);
            }
        }
        return resolver.status();
    }

    @Test
    void truncationMovesToTheNextServer() {
        ns1Flags = 0x8380;
        assertEquals(Status.RESOLVED, run("smtp.example.com"));
        assertEquals(List.of(NS1, NS2), asked);
        assertEquals(Ipv4.of(10, 1, 1, 54), resolver.address());
    }

    @Test
    void servfailAndRefusedMoveToTheNextServer() {
        ns1Flags = 0x8182;
        assertEquals(Status.RESOLVED, run("a.example.com"));
        ns1Flags = 0x8185;
        assertEquals(Status.RESOLVED, run("b.example.com"));
        assertEquals(List.of(NS1, NS2, NS1, NS2), asked);
    }

    @Test
    void timeoutsGoRoundTheServersTwiceWithTheTimeoutDoubled() {
        ns1Flags = -1;
        ns2Flags = -1;
        long t0 = now;
        assertEquals(Status.FAILED, run("smtp.example.com"));
        assertEquals(List.of(NS1, NS2, NS1, NS2), asked);
        assertEquals(List.of(t0, t0 + 2 * S, t0 + 4 * S, t0 + 8 * S), askedAt);
        assertEquals(t0 + 12 * S, now, "gave up after 2 + 2 + 4 + 4 s");
    }

    @Test
    void nxdomainIsFinalAndNotRetried() {
        ns1Flags = 0x8183;
        assertEquals(Status.NOT_FOUND, run("nobody.example.com"));
        assertEquals(List.of(NS1), asked);
    }

    @Test
    void cachesForTheTtlThenAsksAgain() {
        ttl = 30;
        assertEquals(Status.RESOLVED, run("smtp.example.com"));
        now += 29 * S;
        assertEquals(Status.RESOLVED, resolver.resolve("smtp.example.com", now));
        assertEquals(1, asked.size());
        now += 2 * S;
        assertEquals(Status.RESOLVED, run("smtp.example.com"));
        assertEquals(2, asked.size());
    }

    @Test
    void theCacheIsBoundedAndEvictsTheEntryThatExpiresFirst() {
        for (int i = 0; i < 6; i++) {
            ttl = 100 + i;
            assertEquals(Status.RESOLVED, run("h" + i + ".example.com"));
        }
        int before = asked.size();
        assertEquals(Status.RESOLVED, resolver.resolve("h5.example.com", now));
        assertEquals(Status.PENDING, resolver.resolve("h0.example.com", now), "evicted");
        assertEquals(before, asked.size());
    }

    @Test
    void ipv4LiteralsAndBadNamesNeedNoQuery() {
        assertEquals(Status.RESOLVED, resolver.resolve("192.168.1.10", now));
        assertEquals(Ipv4.of(192, 168, 1, 10), resolver.address());
        assertEquals(Status.NOT_FOUND, resolver.resolve("bad name", now));
        assertEquals(Status.NOT_FOUND, resolver.resolve("300.1.1.1", now));
        assertTrue(asked.isEmpty());
    }

    @Test
    void aReplyFromAnotherAddressIsIgnored() {
        link.peer = (ip, port, b, off, len, l) -> {
            asked.add(ip);
            byte[] r = java.util.Arrays.copyOf(b, len);
            r[2] = (byte) 0x81;
            r[3] = (byte) 0x83; // NXDOMAIN, forged
            l.deliver(Ipv4.of(10, 6, 6, 6), 53, r, 0, len);
            return len;
        };
        assertEquals(Status.FAILED, run("smtp.example.com"));
        assertEquals(4, asked.size());
        assertTrue(resolver.ignored() >= 4);
    }
}
