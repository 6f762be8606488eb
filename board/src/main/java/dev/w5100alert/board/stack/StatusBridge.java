package dev.w5100alert.board.stack;

import dev.w5100alert.board.log.Log;
import dev.w5100alert.sim.W5100Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * In simulated modes: makes the simulated board's status socket reachable on a chosen port of 127.0.0.1, for
 * a browser on this machine. The simulator bridges the chip's LISTEN socket to a loopback port of its own
 * choosing; this forwards connections from the chosen port to it.
 *
 * <p>The chip serves one connection at a time and refuses connections while its socket is between two of
 * them, as the real W5100 does. Browsers open spare connections, so the bridge takes a browser's connection to
 * the chip only once the browser has sent its first bytes, one at a time, and retries a refusal for a few
 * seconds. Only loopback is ever bound or dialled. Threads are daemons; {@link #close()} ends them.
 */
public final class StatusBridge implements AutoCloseable {

    private static final long CONNECT_RETRY_NANOS = 5_000_000_000L;
    private static final int IDLE_TIMEOUT_MILLIS = 30_000;

    private final ServerSocket server;
    private final W5100Simulator sim;
    private final int chipPort;
    private final Log log;
    private final Semaphore chip = new Semaphore(1, true);
    private volatile boolean closed;

    private StatusBridge(ServerSocket server, W5100Simulator sim, int chipPort, Log log) {
        this.server = server;
        this.sim = sim;
        this.chipPort = chipPort;
        this.log = log;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port) and starts forwarding to the chip's {@code chipPort}. */
    public static StatusBridge start(W5100Simulator sim, int chipPort, int port, Log log) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        StatusBridge b = new StatusBridge(s, sim, chipPort, log);
        Thread t = new Thread(b::acceptLoop, "status-bridge");
        t.setDaemon(true);
        t.start();
        return b;
    }

    /** The bound port on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket browser = server.accept();
                Thread t = new Thread(() -> serve(browser), "status-bridge-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("status", "status bridge stopped accepting: " + e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(Socket browser) {
        try (browser) {
            browser.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = browser.getInputStream();
            byte[] first = new byte[4096];
            int n = in.read(first);
            if (n <= 0) {
                return; // a spare connection the browser never used
            }
            if (!chip.tryAcquire(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
            try (Socket board = connectToChip()) {
                if (board == null) {
                    return;
                }
                OutputStream toBoard = board.getOutputStream();
                toBoard.write(first, 0, n);
                toBoard.flush();
                Thread up = new Thread(() -> pump(in, toBoard, board), "status-bridge-up");
                up.setDaemon(true);
                up.start();
                pump(board.getInputStream(), browser.getOutputStream(), browser);
                up.join(1_000);
            } finally {
                chip.release();
            }
        } catch (IOException | InterruptedException e) {
            // the browser or the board went away: nothing to report beyond the closed connection
        }
    }

    private Socket connectToChip() throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT_RETRY_NANOS;
        while (!closed && System.nanoTime() - deadline < 0) {
            int real = sim.realTcpListenPort(chipPort);
            if (real > 0) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), real), 1_000);
                    s.setSoTimeout(IDLE_TIMEOUT_MILLIS);
                    return s;
                } catch (IOException refused) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // nothing to free
                    }
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Copies until end of stream, then half-closes the other side so the far end sees the end too. */
    private static void pump(InputStream from, OutputStream to, Socket toSocket) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
            toSocket.shutdownOutput();
        } catch (IOException e) {
            try {
                toSocket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
