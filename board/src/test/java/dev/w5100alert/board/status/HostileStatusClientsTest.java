package dev.w5100alert.board.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.firmware.http.HttpResponder;
import dev.w5100alert.hal.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile clients hold the board's status socket while a sensor trips: the alert goes out as fast as with
 * nobody on the page, and each client is done with within its bound. Everything runs on one virtual clock
 * (loop, chip model, client pacing) that moves only when the loop has nothing to do; bounds are asserted in
 * virtual time and loop cycles, never in wall time.
 */
class HostileStatusClientsTest {

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org
            timeout = 20s
            [status]
            port = 80
            [sensor door]
            pin = 17
            debounce = 10ms
            active-name = open
            inactive-name = closed
            min-interval = 0s
            """;

    /**
     * Virtual time: moves by {@link #STEP} in idle(), after a short real pause so real peers can answer; it
     * stands still while an alert waits in the outbox (the SMTP server's real latency is not the board's
     * delay), so what an alert's virtual delay measures is the board's own work.
     */
    static final class VirtualClock implements Clock {
        volatile long now = 10_000_000_000L;
        volatile java.util.function.BooleanSupplier mayAdvance = () -> true;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return 1_795_380_581_000L + now / 1_000_000L;
        }

        @Override
        public void idle() {
            LockSupport.parkNanos(50_000L);
            if (mayAdvance.getAsBoolean()) {
                now += STEP;
            }
        }
    }

    static final long STEP = 1_000_000L;
    /**
     * An alert's allowance from trip to delivery in virtual time: the 10 ms debounce and a few loop steps, the
     * same with or without a client on the status page.
     */
    static final long ALERT_BOUND_NANOS = 20_000_000L;

    enum Client { NONE, SLOWLORIS, LONG_LINE, GARBAGE, NEVER_READS, THOUSAND_REQUESTS }

    @TempDir
    Path dir;

    GreenMail greenMail;
    SimulatedBoard board;
    final VirtualClock clock = new VirtualClock();
    final AtomicBoolean stop = new AtomicBoolean();
    Thread client;

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        if (client != null) {
            client.join(10_000);
        }
        if (board != null) {
            board.close();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    int cycle() {
        int w = board.stack.agent.doWork(clock.nanoTime());
        if (w == 0) {
            clock.idle();
        }
        return w;
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void anAlertTrippedWhileAClientHoldsTheStatusSocketIsDeliveredWithoutDelay(Client kind) throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
        BoardConfig cfg = new ConfigParser(k -> null).parse("h.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
        board = SimulatedBoard.start(cfg, greenMail.getSmtp().getPort(), dir.resolve("outbox"), clock,
                new Log.Recording(), null, 3_600_000_000_000L);
        board.stack.bringUp();
        SimulatedBoard b = board;
        clock.mayAdvance = () -> b.stack.outbox.pendingCount() == 0;
        HttpResponder http = board.stack.status.server;
        for (int i = 0; i < 10; i++) {
            cycle();
        }
        int port = board.sim.realTcpListenPort(80);
        assertTrue(port > 0, "the status socket listens");

        long[] requestsDone = new long[1];
        if (kind != Client.NONE) {
            client = new Thread(() -> runClient(kind, port, requestsDone), "hostile-" + kind);
            client.setDaemon(true);
            client.start();
            long until = clock.nanoTime() + 5_000_000_000L;
            while (!http.busy() && clock.nanoTime() < until) {
                cycle();
            }
            assertTrue(http.busy(), kind + ": the client holds the status socket");
        }
        long trippedAt = clock.nanoTime();
        long cycles = 0;
        board.trip(0, true);
        boolean heldAtDelivery = false;
        // Bounded in cycles too: virtual time stands still while the alert is queued.
        while (board.stack.agent.deliveredCount() == 0 && clock.nanoTime() - trippedAt < 30_000_000_000L
                && cycles < 3_000_000) {
            cycle();
            cycles++;
            heldAtDelivery = http.busy();
        }
        long delay = clock.nanoTime() - trippedAt;
        System.out.println("[status] " + kind + ": alert delivered " + delay / 1_000_000 + " ms (virtual) after the trip, "
                + cycles + " loop cycles; status socket still held: " + heldAtDelivery);
        assertEquals(1, board.stack.agent.deliveredCount(), kind + ": delivered");
        assertTrue(delay < ALERT_BOUND_NANOS, kind + ": alert took " + delay + " ns of virtual time");
        if (kind == Client.SLOWLORIS) {
            assertTrue(heldAtDelivery, "delivered while the slow client still held the socket");
        }

        // Each client is done with within its bound.
        long bound = switch (kind) {
            case NONE -> 0;
            case SLOWLORIS, LONG_LINE, GARBAGE -> HttpResponder.REQUEST_TIMEOUT_NANOS + HttpResponder.SEND_TIMEOUT_NANOS
                    + HttpResponder.CLOSE_TIMEOUT_NANOS;
            case NEVER_READS -> HttpResponder.SEND_TIMEOUT_NANOS + HttpResponder.CLOSE_TIMEOUT_NANOS;
            case THOUSAND_REQUESTS -> 120_000_000_000L;
        };
        if (kind == Client.THOUSAND_REQUESTS) {
            while (requestsDone[0] < 1000 && clock.nanoTime() - trippedAt < bound) {
                cycle();
            }
            assertEquals(1000, requestsDone[0], "all 1000 answered");
        }
        while (http.busy() && clock.nanoTime() - trippedAt < bound + 1_000_000_000L) {
            cycle();
        }
        assertTrue(!http.busy(), kind + ": still held after " + (clock.nanoTime() - trippedAt) + " ns");
        stop.set(true);
    }

    private void runClient(Client kind, int port, long[] done) {
        try {
            switch (kind) {
                case SLOWLORIS -> {
                    try (Socket s = connect(port)) {
                        OutputStream out = s.getOutputStream();
                        byte[] req = "GET / HTTP/1.1\r\nHost: board\r\nUser-Agent: slow\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                        long next = clock.nanoTime();
                        for (int i = 0; i < req.length && !stop.get(); ) {
                            if (clock.nanoTime() >= next) {
                                out.write(req[i++]); // one byte per virtual second
                                out.flush();
                                next += 1_000_000_000L;
                            }
                            LockSupport.parkNanos(100_000L);
                        }
                    }
                }
                case LONG_LINE -> exchange(port, ("GET /" + "x".repeat(10 * 1024) + " HTTP/1.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII), true);
                case GARBAGE -> {
                    byte[] junk = new byte[3000];
                    new Random(12).nextBytes(junk);
                    exchange(port, junk, true);
                }
                case NEVER_READS -> {
                    try (Socket s = connect(port)) {
                        s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        while (!stop.get()) {
                            LockSupport.parkNanos(1_000_000L);
                        }
                    }
                }
                case THOUSAND_REQUESTS -> {
                    byte[] req = "GET /metrics HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 1000 && !stop.get(); i++) {
                        if (exchange(port, req, true).startsWith("HTTP/1.1 200 ")) {
                            done[0]++;
                        }
                    }
                }
                default -> { }
            }
        } catch (IOException e) {
            // the board closed on the client: that is the point of most of these cases
        }
    }

    private Socket connect(int port) throws IOException {
        for (int i = 0; ; i++) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(30_000);
                return s;
            } catch (java.net.ConnectException refusedBetweenConnections) {
                if (i == 1000 || stop.get()) {
                    throw refusedBetweenConnections;
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    private String exchange(int port, byte[] request, boolean read) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request);
            if (!read) {
                return "";
            }
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.net.SocketException reset) {
                // what arrived before a reset counts
            }
            return sb.toString();
        }
    }
}
