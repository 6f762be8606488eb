package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.dns.DnsResolver.Status;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.hal.Ipv4;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Steady state allocates nothing: DHCP renewals and DNS lookups (cached and uncached) over a scripted
 * link whose peers are allocation-free, measured with ThreadMXBean on this thread, random IDs, ports
 * and jitter included (RandomSource draws from its own ChaCha20 keystream). As in the SMTP allocation
 * test, rounds repeat (bounded) until one is clean, because the JIT makes rare one-off allocations while
 * it still compiles the path; a per-operation allocation shows in every round.
 */
class LanAllocationTest {

    static final long S = 1_000_000_000L;
    static final int MEASURED = 200;
    final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    final long me = Thread.currentThread().threadId();

    @Test
    void dhcpRenewalsAllocateNothing() {
        ScriptedUdpLink link = new ScriptedUdpLink();
        TestDhcpServer server = new TestDhcpServer(Ipv4.of(192, 168, 1, 1), Ipv4.of(192, 168, 1, 77));
        link.peer = server;
        RandomSource random = RandomSource.secure();
        int[] renewed = {0};
        DhcpClient client = new DhcpClient(link, (a, m, g) -> { }, random, 0x020000000042L, "box");
        client.listener((e, c) -> renewed[0]++);
        long[] now = {S};
        step(client, link, now, now[0] + S);
        assertTrue(client.bound());
        long clean = -1;
        for (int round = 0; round < 20 && clean != 0; round++) {
            long before = threads.getThreadAllocatedBytes(me);
            int events = renewed[0];
            for (int i = 0; i < MEASURED; i++) {
                step(client, link, now, client.renewAt() + S);
            }
            long bytes = threads.getThreadAllocatedBytes(me) - before;
            assertEquals(events + MEASURED, renewed[0], "each step renewed once");
            clean = bytes;
        }
        System.out.println("DHCP renewal: " + clean + " bytes allocated per " + MEASURED + " renewals");
        assertEquals(0, clean, "bytes allocated over " + MEASURED + " renewals");
    }

    @Test
    void dnsLookupsAllocateNothingCachedOrNot() {
        ScriptedUdpLink link = new ScriptedUdpLink();
        int dnsIp = Ipv4.of(192, 168, 1, 53);
        byte[] reply = new byte[512];
        link.peer = (ip, port, b, off, len, l) -> {
            // echo the query as an answer: QR RA, one A record pointing at the question
            System.arraycopy(b, off, reply, 0, len);
            reply[2] = (byte) 0x81;
            reply[3] = (byte) 0x80;
            reply[7] = 1;
            int p = len;
            reply[p++] = (byte) 0xC0;
            reply[p++] = 12;
            reply[p++] = 0;
            reply[p++] = 1;
            reply[p++] = 0;
            reply[p++] = 1;
            reply[p++] = 0;
            reply[p++] = 0;
            reply[p++] = 0;
            reply[p++] = 60;
            reply[p++] = 0;
            reply[p++] = 4;
            reply[p++] = 10;
            reply[p++] = 0;
            reply[p++] = 0;
            reply[p++] = 9;
            l.deliver(ip, 53, reply, 0, p);
            return len;
        };
        RandomSource random = RandomSource.secure();
        DnsResolver resolver = new DnsResolver(link, random, 4);
        resolver.servers(new int[] {dnsIp}, 1);
        String name = "smtp.example.com";
        long[] now = {S};
        long cleanUncached = -1;
        long cleanCached = -1;
        for (int round = 0; round < 20 && (cleanUncached != 0 || cleanCached != 0); round++) {
            long before = threads.getThreadAllocatedBytes(me);
            for (int i = 0; i < MEASURED; i++) {
                resolver.flush();
                lookup(resolver, name, now);
            }
            cleanUncached = threads.getThreadAllocatedBytes(me) - before;
            before = threads.getThreadAllocatedBytes(me);
            for (int i = 0; i < MEASURED; i++) {
                lookup(resolver, name, now);
            }
            cleanCached = threads.getThreadAllocatedBytes(me) - before;
        }
        System.out.println("DNS lookup: " + cleanUncached + " bytes per " + MEASURED + " uncached, " + cleanCached
                + " bytes per " + MEASURED + " cached");
        assertEquals(0, cleanUncached);
        assertEquals(0, cleanCached);
        assertTrue(resolver.cacheHits() >= MEASURED);
    }

    private static void lookup(DnsResolver resolver, String name, long[] now) {
        Status s = resolver.resolve(name, now[0]);
        for (int k = 0; k < 4 && s == Status.PENDING; k++) {
            resolver.doWork(now[0]);
            resolver.doWork(now[0]);
            s = resolver.status();
        }
        if (s != Status.RESOLVED) {
            throw new AssertionError("lookup ended " + s);
        }
        now[0] += 1_000_000L;
    }

    private static void step(DhcpClient client, ScriptedUdpLink link, long[] now, long until) {
        for (int guard = 0; guard < 1000; guard++) {
            long at = client.doWork(now[0]);
            if (link.pending() > 0) {
                continue;
            }
            if (at > until) {
                now[0] = until;
                client.doWork(now[0]);
                return;
            }
            now[0] = Math.max(now[0], at);
        }
        throw new AssertionError("no progress");
    }
}
