package dev.w5100alert.firmware.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A man in the middle on 127.0.0.1: forwards each connection to {@code targetPort} and keeps every byte the client
 * sent ({@link #fromClient()}), whatever it was.
 */
public final class RecordingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();

    public RecordingProxy(int targetPort) throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    client.setTcpNoDelay(true);
                    target.setTcpNoDelay(true);
                    pump(client, target, true);
                    pump(target, client, false);
                } catch (IOException e) {
                    return;
                }
            }
        }, "mitm-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to, boolean record) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[4096];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(b)) > 0) {
                    if (record) {
                        synchronized (fromClient) {
                            fromClient.write(b, 0, n);
                        }
                    }
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: so does the other
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "mitm-pump");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every byte the client has sent so far, over all connections. */
    public byte[] fromClient() {
        synchronized (fromClient) {
            return fromClient.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
