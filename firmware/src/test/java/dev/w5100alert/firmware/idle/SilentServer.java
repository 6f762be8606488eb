package dev.w5100alert.firmware.idle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP server on 127.0.0.1 (ephemeral port) that accepts one connection and never says a word. */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile Socket accepted;

    public SilentServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        acceptor = new Thread(() -> {
            try {
                accepted = server.accept();
            } catch (IOException closed) {
                // closed before anyone connected
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Whether the connection has arrived (virtual time may run from then on). */
    public boolean connected() {
        return accepted != null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = accepted;
        if (s != null) {
            s.close();
        }
    }
}
