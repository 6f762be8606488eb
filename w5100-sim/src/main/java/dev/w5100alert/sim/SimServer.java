package dev.w5100alert.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Standalone mode: serves the simulator's SPI over a TCP port on 127.0.0.1, so firmware in any language
 * (a C driver built for the host, say) can run against the model.
 *
 * <p>Protocol (one command byte, then its arguments; replies only where stated; full description in
 * w5100-sim/README.md):
 * <pre>
 * 'L'                      chip-select asserted (/SCS low)                  no reply
 * 'H'                      chip-select released (/SCS high)                 no reply
 * 'S' n  b1..bn            shift n (1..255) bytes with /SCS as it is        reply: n MISO bytes
 * 'F' nh nl  4*n bytes     n (1..4096) whole frames, /SCS low per frame     reply: 4*n MISO bytes
 * 'R'                      /RESET pulse (hardware reset)                    no reply
 * 'A' x                    /RESET held asserted (x=1) or released (x=0)     no reply
 * 'I'                      read the /INT pin                                reply: 1 byte, 1 = asserted
 * 'P'                      ping (sync point)                                reply: 'P'
 * 'Q'                      end this session                                 connection closed
 * anything else            protocol error                                   reply: '?', connection closed
 * </pre>
 *
 * <p>One client at a time, served on one thread; the chip keeps its state between clients (like a
 * powered board). Time is real ({@link System#nanoTime()}). Binds 127.0.0.1 only.
 */
public final class SimServer implements AutoCloseable {
    static final int MAX_FRAMES = 4096;

    private final W5100Simulator sim;
    private final ServerSocket server;
    private final java.util.function.Consumer<String> log;

    /** Binds {@code 127.0.0.1:port} (0 = any free port) for a simulator on {@code network}; logs to stderr. */
    public SimServer(VirtualNetwork network, int port) throws IOException {
        this(network, port, System.err::println);
    }

    /** As above, with session and protocol-error messages going to {@code log}. */
    public SimServer(VirtualNetwork network, int port, java.util.function.Consumer<String> log) throws IOException {
        this.log = log;
        this.sim = new W5100Simulator(network, System::nanoTime);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(VirtualNetwork.LOOPBACK, port), 1);
    }

    /** The bound port. */
    public int port() {
        return server.getLocalPort();
    }

    /** The simulator behind the port (for counters and traces in tests). */
    public W5100Simulator simulator() {
        return sim;
    }

    /** Accepts and serves clients one after another until {@link #close()}. */
    public void serve() throws IOException {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                throw e;
            }
            try (client) {
                client.setTcpNoDelay(true);
                serveClient(new BufferedInputStream(client.getInputStream(), 1 << 16),
                        new BufferedOutputStream(client.getOutputStream(), 1 << 16));
            } catch (IOException e) {
                // The client went away mid-command; the chip keeps its state for the next one.
                log.accept("w5100-sim: client session ended: " + e.getMessage());
            }
        }
    }

    /** Runs the protocol on one stream pair until 'Q', end of stream or a protocol error. */
    void serveClient(InputStream in, OutputStream out) throws IOException {
        byte[] frames = new byte[MAX_FRAMES * 4];
        while (true) {
            if (in.available() == 0) {
                out.flush(); // reply to everything before we may block on the next command
            }
            int cmd = in.read();
            switch (cmd) {
                case -1, 'Q' -> {
                    out.flush();
                    return;
                }
                case 'L' -> sim.chipSelect(true);
                case 'H' -> sim.chipSelect(false);
                case 'S' -> {
                    int n = readByte(in);
                    if (n == 0) {
                        protocolError(out, "S with length 0");
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        out.write(sim.shift(readByte(in)));
                    }
                }
                case 'F' -> {
                    int n = (readByte(in) << 8) | readByte(in);
                    if (n < 1 || n > MAX_FRAMES) {
                        protocolError(out, "F with " + n + " frames (1.." + MAX_FRAMES + ")");
                        return;
                    }
                    readFully(in, frames, n * 4);
                    sim.transfer(frames, frames, 0, n);
                    out.write(frames, 0, n * 4);
                }
                case 'R' -> sim.hardwareReset();
                case 'A' -> {
                    int x = readByte(in);
                    if (x > 1) {
                        protocolError(out, "A with " + x + " (0 or 1)");
                        return;
                    }
                    sim.setResetAsserted(x == 1);
                }
                case 'I' -> out.write(sim.interruptAsserted() ? 1 : 0);
                case 'P' -> out.write('P');
                default -> {
                    protocolError(out, "unknown command byte 0x" + Integer.toHexString(cmd));
                    return;
                }
            }
        }
    }

    private void protocolError(OutputStream out, String what) throws IOException {
        log.accept("w5100-sim: protocol error: " + what);
        out.write('?');
        out.flush();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a command");
        }
        return b;
    }

    private static void readFully(InputStream in, byte[] into, int length) throws IOException {
        int got = 0;
        while (got < length) {
            int r = in.read(into, got, length - got);
            if (r < 0) {
                throw new EOFException("stream ended inside a command");
            }
            got += r;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sim.close();
    }

    /**
     * {@code SimServer [--port N] [--net FILE] [--trace] [network options]}: see the README. Prints
     * {@code w5100-sim listening on 127.0.0.1:PORT} once ready.
     */
    public static void main(String[] args) throws IOException {
        int port = 5100;
        Path netFile = null;
        boolean trace = false;
        List<String> netArgs = new ArrayList<>();
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            switch (a) {
                case "--port" -> port = parsePort(list, ++i);
                case "--net" -> netFile = Path.of(need(list, ++i, a));
                case "--trace" -> trace = true;
                case "--help", "-h" -> {
                    System.out.println("usage: SimServer [--port N] [--net FILE] [--trace] [--host IP [--tcp V=R]"
                            + " [--udp V=R] [--silent]]... [--gateway IP] [--inbound-peer IP]");
                    return;
                }
                default -> netArgs.add(a);
            }
        }
        VirtualNetwork network;
        try {
            network = netFile != null ? NetworkConfig.read(netFile) : NetworkConfig.parseArguments(netArgs);
            if (netFile != null && !netArgs.isEmpty()) {
                throw new IllegalArgumentException("give the network either as --net FILE or as options, not both");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("w5100-sim: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (SimServer s = new SimServer(network, port)) {
            if (trace) {
                s.simulator().trace(System.err::println);
            }
            System.out.println("w5100-sim listening on 127.0.0.1:" + s.port());
            System.out.flush();
            s.serve();
        }
    }

    private static int parsePort(List<String> list, int i) {
        String v = need(list, i, "--port");
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            System.err.println("w5100-sim: --port needs 0..65535, got '" + v + "'");
            System.exit(2);
            return -1;
        }
    }

    private static String need(List<String> list, int i, String option) {
        if (i >= list.size()) {
            System.err.println("w5100-sim: " + option + " needs a value");
            System.exit(2);
        }
        return list.get(i);
    }
}
