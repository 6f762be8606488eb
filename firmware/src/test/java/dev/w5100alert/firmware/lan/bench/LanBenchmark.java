package dev.w5100alert.firmware.lan.bench;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.dns.DnsResolver;
import dev.w5100alert.firmware.lan.ScriptedUdpLink;
import dev.w5100alert.firmware.lan.TestDhcpServer;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.hal.Ipv4;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One DHCP renewal, one uncached and one cached DNS lookup per operation, over a scripted link whose
 * peers answer at once from preallocated arrays. With {@code -prof gc}, gc.alloc.rate.norm is the
 * bytes allocated per operation (goal 0; JMH's own per-iteration cost shows as a fraction of a byte);
 * LanAllocationTest gives the exact per-thread figure.
 *
 * <pre>./bench firmware LanBenchmark -f 1 -wi 2 -i 3 -w 1s -r 2s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LanBenchmark {

    static final long S = 1_000_000_000L;
    /** One A record for the question (a pointer to offset 12), TTL 60, 10.0.0.9. */
    static final byte[] ANSWER = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 9};

    private ScriptedUdpLink dhcpLink;
    private DhcpClient dhcp;
    private ScriptedUdpLink dnsLink;
    private DnsResolver resolver;
    private long now = S;
    private final byte[] reply = new byte[512];

    @Setup(Level.Trial)
    public void setUp() {
        dhcpLink = new ScriptedUdpLink();
        TestDhcpServer server = new TestDhcpServer(Ipv4.of(192, 168, 1, 1), Ipv4.of(192, 168, 1, 77));
        // A short lease: every op moves virtual time by T1, and millions of ops must not run it past 2^63 ns.
        server.leaseSeconds = 32;
        dhcpLink.peer = server;
        dhcp = new DhcpClient(dhcpLink, (a, m, g) -> { }, RandomSource.secure(), 0x020000000042L, "box");
        step(now + S);
        if (!dhcp.bound()) {
            throw new IllegalStateException("no lease");
        }
        dnsLink = new ScriptedUdpLink();
        dnsLink.peer = (ip, port, b, off, len, l) -> {
            System.arraycopy(b, off, reply, 0, len);
            reply[2] = (byte) 0x81;
            reply[3] = (byte) 0x80;
            reply[7] = 1;
            System.arraycopy(ANSWER, 0, reply, len, ANSWER.length);
            l.deliver(ip, 53, reply, 0, len + ANSWER.length);
            return len;
        };
        resolver = new DnsResolver(dnsLink, RandomSource.secure(), 4);
        resolver.servers(new int[] {Ipv4.of(192, 168, 1, 53)}, 1);
    }

    private void step(long until) {
        for (int guard = 0; guard < 1000; guard++) {
            long at = dhcp.doWork(now);
            if (dhcpLink.pending() > 0) {
                continue;
            }
            if (at > until) {
                now = until;
                dhcp.doWork(now);
                return;
            }
            now = Math.max(now, at);
        }
        throw new IllegalStateException("no progress");
    }

    @Benchmark
    public long dhcpRenewal() {
        step(dhcp.renewAt() + S);
        return dhcp.renewals();
    }

    @Benchmark
    public int dnsLookupUncached() {
        resolver.flush();
        return lookup();
    }

    @Benchmark
    public int dnsLookupCached() {
        return lookup();
    }

    private int lookup() {
        DnsResolver.Status s = resolver.resolve("smtp.example.com", now);
        for (int k = 0; k < 4 && s == DnsResolver.Status.PENDING; k++) {
            resolver.doWork(now);
            s = resolver.status();
        }
        now += 1_000_000L;
        return resolver.address();
    }
}
