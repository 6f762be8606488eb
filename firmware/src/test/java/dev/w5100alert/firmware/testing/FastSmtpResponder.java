package dev.w5100alert.firmware.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal always-yes SMTP responder on 127.0.0.1 for allocation tests and benchmarks: fixed replies,
 * nothing recorded, one thread. It allocates on its own thread only; measurements look at the engine's.
 */
public final class FastSmtpResponder implements AutoCloseable {

    private static final byte[] GREETING = bytes("220 fast.test ESMTP\r\n");
    private static final byte[] EHLO = bytes("250-fast.test\r\n250-AUTH PLAIN LOGIN\r\n250-SIZE 10000000\r\n"
            + "250-8BITMIME\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n");
    private static final byte[] OK = bytes("250 2.0.0 ok\r\n");
    private static final byte[] AUTH_OK = bytes("235 2.7.0 ok\r\n");
    private static final byte[] GO_AHEAD = bytes("354 go ahead\r\n");
    private static final byte[] BYE = bytes("221 2.0.0 bye\r\n");

    private final ServerSocket server;
    private final Thread thread;
    private volatile boolean closed;
    private volatile long messages;

    public FastSmtpResponder() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fast-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Messages accepted so far. */
    public long messages() {
        return messages;
    }

    private void serve() {
        byte[] line = new byte[1024];
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
                OutputStream out = s.getOutputStream();
                out.write(GREETING);
                boolean data = false;
                while (true) {
                    int n = readLine(in, line);
                    if (n < 0) {
                        break;
                    }
                    if (data) {
                        if (n == 1 && line[0] == '.') {
                            data = false;
                            messages++;
                            out.write(OK);
                        }
                        continue;
                    }
                    byte c0 = n > 0 ? (byte) (line[0] & 0xDF) : 0;
                    byte c1 = n > 1 ? (byte) (line[1] & 0xDF) : 0;
                    if (c0 == 'E') {
                        out.write(EHLO);
                    } else if (c0 == 'A') {
                        out.write(AUTH_OK);
                    } else if (c0 == 'D') {
                        data = true;
                        out.write(GO_AHEAD);
                    } else if (c0 == 'Q') {
                        out.write(BYE);
                        break;
                    } else if (c0 == 'R' && c1 == 'S') {
                        out.write(OK);
                    } else {
                        out.write(OK); // HELO, MAIL, RCPT, NOOP
                    }
                }
            } catch (IOException e) {
                // next connection, or closed
            }
        }
    }

    /** Reads one line without its CRLF (long lines are truncated); -1 at end of stream. */
    private static int readLine(InputStream in, byte[] line) throws IOException {
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return -1;
            }
            if (c == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n < line.length) {
                line[n++] = (byte) c;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
