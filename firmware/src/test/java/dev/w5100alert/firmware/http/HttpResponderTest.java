package dev.w5100alert.firmware.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The responder through hal's driver and the simulated chip, with real loopback clients. */
class HttpResponderTest {

    /** A page that says which resource and the step's time, so tests can tell pages apart. */
    static final StatusContent PAGES = (resource, now, out) -> out.ascii("resource=").ascii(resource.name())
            .ascii(" now=").number(now).put('\n');

    private SimRig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    /** Connects (retrying a refusal: between two connections the chip's one socket is briefly not listening). */
    static Socket connect(int port) throws IOException {
        for (int i = 0; ; i++) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(20_000);
                return s;
            } catch (ConnectException e) {
                if (i == 200) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    throw new IOException(ie);
                }
            }
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the answer: what arrived before it counts
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private CompletableFuture<String> exchange(byte[] request) {
        int port = rig.realPort();
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = connect(port)) {
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                return readAll(s.getInputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private String roundTrip(String request) throws Exception {
        CompletableFuture<String> f = exchange(request.getBytes(StandardCharsets.ISO_8859_1));
        rig.stepUntil(f::isDone, 0, 5_000_000);
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void servesTheThreeResourcesAndClosesEachConnection() throws Exception {
        rig = new SimRig(PAGES, 4096);
        String page = roundTrip("GET / HTTP/1.1\r\nHost: board\r\n\r\n");
        assertTrue(page.startsWith("HTTP/1.1 200 OK\r\n"), page);
        assertTrue(page.contains("Content-Type: text/html; charset=utf-8\r\n"), page);
        assertTrue(page.contains("Connection: close\r\n"), page);
        assertTrue(page.endsWith("\r\n\r\nresource=PAGE now=" + rig.clock.now + "\n"), page);
        String len = page.substring(page.indexOf("Content-Length: ") + 16, page.indexOf("\r\n", page.indexOf("Content-Length: ")));
        assertEquals(page.length() - page.indexOf("\r\n\r\n") - 4, Integer.parseInt(len));
        assertTrue(roundTrip("GET /status.json HTTP/1.1\r\n\r\n").contains("application/json\r\n"));
        String metrics = roundTrip("GET /metrics?x=1 HTTP/1.0\r\nAccept: */*\r\n\r\n");
        assertTrue(metrics.contains("text/plain; version=0.0.4; charset=utf-8") && metrics.endsWith("resource=METRICS now="
                + rig.clock.now + "\n"), metrics);
        assertEquals(3, rig.responder.served());
        assertEquals(0, rig.idles, "nothing below the responder waited");
    }

    @Test
    void answersUnknownPathsMethodsAndMalformedLines() throws Exception {
        rig = new SimRig(PAGES, 4096);
        assertTrue(roundTrip("GET /secret HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 Not Found\r\n"));
        String post = roundTrip("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        assertTrue(post.startsWith("HTTP/1.1 405 Method Not Allowed\r\n") && post.contains("Allow: GET\r\n"), post);
        assertTrue(roundTrip("HEAD / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 405 "));
        assertTrue(roundTrip("GET / HTTP/2.0\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(roundTrip("GET /\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(roundTrip("\r\n\r\nGET / HTTP/1.1\n\n").startsWith("HTTP/1.1 200 "), "bare LF and leading empty lines");
        assertEquals(1, rig.responder.statusCount(404));
        assertEquals(2, rig.responder.statusCount(405));
        assertEquals(2, rig.responder.statusCount(400));
    }

    @Test
    void aTenKilobyteRequestLineGets414AndTheConnectionEnds() throws Exception {
        rig = new SimRig(PAGES, 4096);
        byte[] req = ("GET /" + "a".repeat(10 * 1024) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<String> f = exchange(req);
        long t0 = rig.clock.now;
        rig.stepUntil(f::isDone, 1_000_000L, 5_000_000);
        assertTrue(f.get().startsWith("HTTP/1.1 414 URI Too Long\r\n"), f.get());
        assertTrue(rig.clock.now - t0 <= HttpResponder.REQUEST_TIMEOUT_NANOS + HttpResponder.SEND_TIMEOUT_NANOS
                + HttpResponder.CLOSE_TIMEOUT_NANOS);
        // and the socket serves the next client
        assertTrue(roundTrip("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void headersOverTheBoundGet431() throws Exception {
        rig = new SimRig(PAGES, 4096);
        String req = "GET / HTTP/1.1\r\n" + "X-Pad: " + "b".repeat(600) + "\r\nX-Pad2: " + "c".repeat(600) + "\r\n\r\n";
        assertTrue(roundTrip(req).startsWith("HTTP/1.1 431 "));
        String fits = "GET / HTTP/1.1\r\n" + "X-Pad: " + "b".repeat(900) + "\r\n\r\n";
        assertTrue(roundTrip(fits).startsWith("HTTP/1.1 200 "));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void binaryGarbageEndsWithin408OrAnError(long seed) throws Exception {
        rig = new SimRig(PAGES, 4096);
        Random r = new Random(seed);
        byte[] junk = new byte[1 + r.nextInt(4000)];
        r.nextBytes(junk);
        CompletableFuture<String> f = exchange(junk);
        long t0 = rig.clock.now;
        rig.stepUntil(f::isDone, 1_000_000L, 5_000_000);
        String answer = f.get();
        assertTrue(answer.matches("(?s)HTTP/1\\.1 (400|408|414|431) .*"), "seed " + seed + ": " + answer);
        assertTrue(rig.clock.now - t0 <= HttpResponder.REQUEST_TIMEOUT_NANOS + HttpResponder.SEND_TIMEOUT_NANOS
                + HttpResponder.CLOSE_TIMEOUT_NANOS + 10_000_000L, "seed " + seed);
        assertEquals(0, rig.idles, "seed " + seed);
    }

    @Test
    void slowlorisGets408AfterTwoSecondsOfVirtualTime() throws Exception {
        rig = new SimRig(PAGES, 4096);
        int port = rig.realPort();
        Semaphore tick = new Semaphore(0);
        AtomicInteger sentBytes = new AtomicInteger();
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try (Socket s = connect(port)) {
                OutputStream out = s.getOutputStream();
                byte[] req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return readAll(s.getInputStream());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                for (byte b : req) {
                    if (!tick.tryAcquire(20, TimeUnit.SECONDS) || reader.isDone()) {
                        break;
                    }
                    try {
                        out.write(b);
                        out.flush();
                    } catch (IOException closedByTheBoard) {
                        break;
                    }
                    sentBytes.incrementAndGet();
                }
                return reader.get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        rig.stepUntil(() -> rig.responder.busy(), 0, 5_000_000);
        long t0 = rig.clock.now;
        // One byte a (virtual) second: the client is released, the loop steps until the byte is in, a second passes.
        for (int second = 0; second < 10 && rig.responder.busy(); second++) {
            int before = sentBytes.get();
            tick.release();
            rig.stepUntil(() -> sentBytes.get() > before || f.isDone() || !rig.responder.busy(), 0, 5_000_000);
            for (int i = 0; i < 200 && rig.responder.busy(); i++) {
                rig.step();
            }
            if (rig.responder.busy()) {
                rig.clock.now += 1_000_000_000L;
            }
        }
        long held = rig.clock.now - t0;
        tick.release(100);
        rig.stepUntil(f::isDone, 1_000_000L, 5_000_000);
        String answer = f.get(20, TimeUnit.SECONDS);
        assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
        assertTrue(sentBytes.get() <= 4, "bytes the slow client got in: " + sentBytes.get());
        assertTrue(held >= HttpResponder.REQUEST_TIMEOUT_NANOS
                && held <= HttpResponder.REQUEST_TIMEOUT_NANOS + HttpResponder.CLOSE_TIMEOUT_NANOS + 1_000_000_000L,
                "held the socket for " + held + " ns of virtual time");
        assertEquals(0, rig.idles);
    }

    @Test
    void aClientThatNeverReadsIsDroppedAtTheSendDeadline() throws Exception {
        // A page far larger than what the chip and the loopback socket buffers can hold.
        StatusContent huge = (resource, now, out) -> {
            for (int i = 0; i < out.capacity() - 1; i++) {
                out.put('x');
            }
        };
        rig = new SimRig(huge, 32 << 20);
        int port = rig.realPort();
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (s) {
            rig.stepUntil(() -> rig.responder.busy(), 0, 5_000_000);
            long t0 = rig.clock.now;
            rig.stepUntil(() -> !rig.responder.busy(), 10_000_000L, 50_000_000);
            long held = rig.clock.now - t0;
            assertEquals(1, rig.responder.dropped());
            assertTrue(held >= HttpResponder.SEND_TIMEOUT_NANOS
                    && held <= HttpResponder.SEND_TIMEOUT_NANOS + HttpResponder.CLOSE_TIMEOUT_NANOS + 100_000_000L,
                    "held " + held);
        }
        assertTrue(roundTrip("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 "), "serves the next client");
    }

    @Test
    void aThousandRequestsInARowAllAnswered() throws Exception {
        rig = new SimRig(PAGES, 4096);
        int port = rig.realPort();
        int n = Integer.getInteger("status.requests", 1000);
        CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
            int ok = 0;
            byte[] req = "GET /metrics HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                try (Socket s = connect(port)) {
                    s.getOutputStream().write(req);
                    if (readAll(s.getInputStream()).startsWith("HTTP/1.1 200 ")) {
                        ok++;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return ok;
        });
        rig.stepUntil(f::isDone, 0, 200_000_000);
        assertEquals(n, f.get());
        assertEquals(n, rig.responder.served());
        assertEquals(0, rig.idles);
        assertTrue(rig.maxFramesPerStep < 3_000, "SPI frames in one step: " + rig.maxFramesPerStep);
        System.out.println("[http] " + n + " requests in a row: at most " + rig.maxFramesPerStep
                + " SPI frames in one loop step, " + rig.idles + " waits");
    }
}
