package dev.w5100alert.board.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.firmware.http.ResponseBody;
import dev.w5100alert.firmware.http.StatusContent;
import dev.w5100alert.hal.Clock;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board's real pages allocate nothing in steady state (asserted), and the figures of docs/status.md
 * (printed, not asserted: wall-clock speed depends on the machine): requests/s for /metrics through the
 * simulated chip, SPI frames per request, bytes allocated on the loop's thread per request.
 *
 * <pre>mvn -B -q -pl board -am verify -Dtest=StatusFiguresTest -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dstatus.figures.requests=20000</pre>
 */
class StatusFiguresTest {

    static final String CONFIG = HostileStatusClientsTest.CONFIG + """
            [sensor water]
            pin = 27
            active-name = wet
            inactive-name = dry
            """;

    @TempDir
    Path dir;

    BoardConfig config() throws Exception {
        return new ConfigParser(k -> null).parse("f.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
    }

    @Test
    void theRealPagesAllocateNothingInSteadyState() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        BoardConfig cfg = config();
        try (SimulatedBoard board = SimulatedBoard.start(cfg, 1, dir.resolve("outbox"), Clock.SYSTEM, new Log.Recording(),
                null)) {
            StatusModel m = board.stack.status.model;
            // Some history: a full ring of changes, a failure, a delivery, a queued alert.
            for (int i = 0; i < StatusModel.CHANGES_KEPT + 5; i++) {
                m.sensorChanged(i % 2, i % 3 == 0, System.currentTimeMillis() - 3_600_000L + i * 60_000L);
            }
            dev.w5100alert.board.alert.Alert a = new dev.w5100alert.board.alert.Alert(0, "door",
                    System.currentTimeMillis() - 5_000, "s", "b", List.of("ops@example.org"), null, null);
            m.attemptEnded(a, Delivery.transientFailure(451, "4.7.0 try again <later> & \"soon\""), System.currentTimeMillis());
            m.attemptEnded(a, Delivery.delivered(), System.currentTimeMillis());
            board.stack.outbox.offer(a);
            StatusPages pages = new StatusPages(m, board.stack.outbox, Clock.SYSTEM);
            ResponseBody body = new ResponseBody(BoardStatus.bodyCapacity(cfg));
            long sum = 0;
            StatusContent.Resource[] all = StatusContent.Resource.values();
            for (int i = 0; i < 20_000; i++) {
                for (StatusContent.Resource r : all) {
                    body.clear();
                    pages.write(r, System.nanoTime(), body);
                    sum += body.length();
                }
            }
            long[] rounds = new long[10];
            int clean = -1;
            for (int round = 0; round < rounds.length && clean < 0; round++) {
                long before = threads.getThreadAllocatedBytes(me);
                for (int i = 0; i < 1000; i++) {
                    for (StatusContent.Resource r : all) {
                        body.clear();
                        pages.write(r, System.nanoTime(), body);
                        sum += body.length();
                    }
                }
                rounds[round] = threads.getThreadAllocatedBytes(me) - before;
                if (rounds[round] == 0) {
                    clean = round;
                }
            }
            assertTrue(!body.overflowed() && sum > 0);
            assertTrue(clean >= 0, "every round of 1000 x 3 pages allocated: " + Arrays.toString(rounds));
        }
    }

    @Test
    void figuresForMetricsThroughTheSimulatedChip() throws Exception {
        int n = Integer.getInteger("status.figures.requests", 500);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        try (SimulatedBoard board = SimulatedBoard.start(config(), 1, dir.resolve("outbox"), Clock.SYSTEM,
                new Log.Recording(), null, 3_600_000_000_000L)) {
            board.stack.bringUp();
            for (int i = 0; i < 10; i++) {
                board.stack.agent.doWork(System.nanoTime());
            }
            int port = board.sim.realTcpListenPort(80);
            int warm = Math.min(200, n);
            CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> requests(port, warm + n));
            var http = board.stack.status.server;
            while (http.served() < warm && !client.isDone()) {
                board.stack.agent.doWork(System.nanoTime());
            }
            long frames0 = board.stack.driver.framesSent();
            long bytes0 = threads.getThreadAllocatedBytes(me);
            long t0 = System.nanoTime();
            long served0 = http.served();
            // What a request costs: the steps from the accepted connection to the socket listening again. The steps
            // in between (LISTEN polls while no client is there) are the loop's idle cost, reported apart.
            long busyFrames = 0;
            long busyBytes = 0;
            long busyNanos = 0;
            while (!client.isDone() || http.busy()) {
                long f = board.stack.driver.framesSent();
                long b = threads.getThreadAllocatedBytes(me);
                long t = System.nanoTime();
                boolean wasBusy = http.busy();
                long servedBefore = http.served();
                board.stack.agent.doWork(t);
                if (wasBusy || http.busy() || http.served() != servedBefore) {
                    busyNanos += System.nanoTime() - t;
                    busyFrames += board.stack.driver.framesSent() - f;
                    busyBytes += threads.getThreadAllocatedBytes(me) - b;
                }
            }
            long wall = System.nanoTime() - t0;
            long bytes = threads.getThreadAllocatedBytes(me) - bytes0;
            long frames = board.stack.driver.framesSent() - frames0;
            long served = http.served() - served0;
            assertEquals(warm + n, client.get(), () -> "listen problem: " + board.stack.status.link.lastProblem());
            assertEquals(n, served);
            System.out.printf("[status figures] %d x GET /metrics through the simulated chip: %.0f requests/s, "
                            + "%d SPI frames per request, %d bytes allocated on the loop thread per request "
                            + "(loop, driver and simulator together)%n",
                    n, n * 1e9 / wall, frames / n, bytes / n);
            System.out.printf("[status figures] of which while a client was connected: %d SPI frames, %d bytes "
                            + "allocated, %d us of loop time per request (the rest is LISTEN polling while no client "
                            + "is there)%n", busyFrames / n, busyBytes / n, busyNanos / n / 1000);
        }
    }

    /** Sequential GET /metrics, each on a new connection; returns how many were answered with 200. */
    static int requests(int port, int count) {
        byte[] req = "GET /metrics HTTP/1.1\r\nHost: board\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[16384];
        int ok = 0;
        for (int i = 0; i < count; i++) {
            for (int attempt = 0; ; attempt++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(req);
                    InputStream in = s.getInputStream();
                    int total = 0;
                    for (int r; (r = in.read(buf, total, buf.length - total)) > 0; ) {
                        total += r;
                    }
                    if (total > 12 && buf[9] == '2') {
                        ok++;
                    }
                    break;
                } catch (java.io.IOException e) {
                    // Refused between two connections while the chip's one socket listens again (or, after a failed
                    // LISTEN, until the responder's retry a second later).
                    if (attempt == 5000) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            }
        }
        return ok;
    }
}
