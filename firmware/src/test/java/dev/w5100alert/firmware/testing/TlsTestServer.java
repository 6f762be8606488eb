package dev.w5100alert.firmware.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server on 127.0.0.1 (ephemeral port) that hands each accepted connection to a {@link Handler} on its
 * own thread: the handler decides whether and when TLS starts ({@link #startTls}), so hostile peers (plain text where
 * records are due, silence, a close in the middle of the handshake) are a few lines each. Handler exceptions are
 * kept in {@link #errors()} (a client refusing the certificate makes the server's handshake throw: expected).
 */
public final class TlsTestServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    public interface Handler {
        void handle(Socket raw) throws Exception;
    }

    private final ServerSocket server;
    private final Thread thread;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean silent;

    public TlsTestServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }, "tls-test-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tls-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Throwable> errors() {
        return errors;
    }

    public int connections() {
        return connections.get();
    }

    /** Set by a handler that has decided to say nothing more (lets a virtual clock run). */
    public void silent(boolean s) {
        silent = s;
    }

    public boolean silent() {
        return silent;
    }

    /** Server side of TLS over an accepted socket, limited to {@code protocols}; the handshake runs now. */
    public static SSLSocket startTls(Socket raw, SSLContext context, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        s.setUseClientMode(false);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.startHandshake();
        return s;
    }

    /** Reads exactly {@code n} bytes. */
    public static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new IOException("closed after " + got + " of " + n + " bytes");
            }
            got += r;
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
