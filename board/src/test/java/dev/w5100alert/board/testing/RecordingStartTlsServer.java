package dev.w5100alert.board.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A man in the middle for one connection: greets, offers STARTTLS and AUTH, answers STARTTLS with 220 and then
 * completes TLS with whatever certificate it was given, recording every byte the client sends, before and inside
 * TLS. A board that refuses the certificate must leave nothing but EHLO and STARTTLS in the record.
 */
public final class RecordingStartTlsServer implements AutoCloseable {

    private final ServerSocket server;
    private final SSLContext tls;
    private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
    private final ByteArrayOutputStream insideTls = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;

    public RecordingStartTlsServer(SSLContext tls) throws IOException {
        this.tls = tls;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "recording-starttls");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket s = server.accept()) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            out.write("220 mitm.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            readLine(in, plain);
            out.write("250-mitm.example.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            readLine(in, plain);
            out.write("220 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
            t.setUseClientMode(false);
            try {
                t.startHandshake();
                OutputStream to = t.getOutputStream();
                to.write("220 mitm.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)); // never reached by a careful client
                InputStream ti = t.getInputStream();
                byte[] b = new byte[4096];
                for (int n; (n = ti.read(b)) > 0; ) {
                    synchronized (insideTls) {
                        insideTls.write(b, 0, n);
                    }
                    if (new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("EHLO")) {
                        to.write("250-mitm.example.test\r\n250 AUTH PLAIN LOGIN\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        to.write("334 \r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException e) {
                // the client refused our certificate (or hung up): what it sent so far is the record
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            done.countDown();
        }
    }

    private void readLine(InputStream in, ByteArrayOutputStream to) throws IOException {
        for (int c; (c = in.read()) >= 0; ) {
            synchronized (to) {
                to.write(c);
            }
            if (c == '\n') {
                return;
            }
        }
    }

    /** Waits (bounded) until the connection has ended. */
    public boolean awaitDone(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    /** What the client sent before TLS. */
    public String plainText() {
        synchronized (plain) {
            return plain.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** What the client sent inside TLS, decrypted. */
    public String insideTlsText() {
        synchronized (insideTls) {
            return insideTls.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
