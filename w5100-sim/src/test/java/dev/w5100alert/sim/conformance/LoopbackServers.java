package dev.w5100alert.sim.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Real peers on 127.0.0.1 for the conformance tests (threads are daemons; close() ends them). */
final class LoopbackServers {
    private LoopbackServers() {
    }

    /** TCP server on an ephemeral loopback port running {@code handler} per connection. */
    static final class Tcp implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> connections = new CopyOnWriteArrayList<>();

        Tcp(Consumer<Socket> handler) throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.add(s);
                        Thread h = new Thread(() -> handler.accept(s), "conformance-conn");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "conformance-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : connections) {
                s.close();
            }
        }
    }

    static Tcp echo() throws IOException {
        return new Tcp(s -> {
            byte[] buf = new byte[8192];
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // peer went away
            }
        });
    }

    /** Reads and discards everything. */
    static Tcp sink() throws IOException {
        return new Tcp(s -> {
            byte[] buf = new byte[8192];
            try (s; InputStream in = s.getInputStream()) {
                while (in.read(buf) > 0) {
                    // discard
                }
            } catch (IOException e) {
                // peer went away
            }
        });
    }

    /** Writes {@code bytes} bytes of a known pattern, then closes. */
    static Tcp source(int bytes) throws IOException {
        return new Tcp(s -> {
            try (s; OutputStream out = s.getOutputStream()) {
                out.write(pattern(bytes));
                out.flush();
                s.shutdownOutput();
                s.getInputStream().read(); // wait for the chip's FIN
            } catch (IOException e) {
                // peer went away
            }
        });
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    /** UDP echo on an ephemeral loopback port. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;

        UdpEcho() throws IOException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "conformance-udp-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
