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
 * 'T' nh nl  text          a text command (counters, unhandled, fault, ports,  reply: 2-byte length, ASCII
 *                          reset, clock, advance, trace, help; see README)
 * 'Q'                      end this session                                 connection closed
 * anything else            protocol error                                   reply: '?', connection closed
 * </pre>
 *
 * <p>One client at a time, served on one thread; the chip keeps its register and socket state between
 * clients (like a powered board), while what belongs to a session does not outlive it: each session starts
 * with chip-select released, /RESET not held and tracing off. {@code T reset} clears everything. Time is real
 * ({@link System#nanoTime()}) unless {@code T clock virtual} switches to a clock advanced by
 * {@code T advance MS}. Binds 127.0.0.1 only.
 */
public final class SimServer implements AutoCloseable {
    static final int MAX_FRAMES = 4096;

    private final W5100Simulator sim;
    private final ServerSocket server;
    private final java.util.function.Consumer<String> log;
    /** Last trace lines kept for {@code T trace read}. */
    static final int TRACE_LINES = 2000;
    /** Longest text command. */
    static final int MAX_TEXT = 1024;

    private final java.util.ArrayDeque<String> traceLines = new java.util.ArrayDeque<>();
    private java.util.function.Consumer<String> traceEcho;
    private volatile boolean virtualClock;
    private volatile long virtualNow;
    private volatile long realOffset;
    private boolean resetHeld;

    /** Binds {@code 127.0.0.1:port} (0 = any free port) for a simulator on {@code network}; logs to stderr. */
    public SimServer(VirtualNetwork network, int port) throws IOException {
        this(network, port, System.err::println);
    }

    /** As above, with session and protocol-error messages going to {@code log}. */
    public SimServer(VirtualNetwork network, int port, java.util.function.Consumer<String> log) throws IOException {
        this.log = log;
        this.sim = new W5100Simulator(network, this::now);
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

    /** The model's clock: real time, or the virtual one while {@code T clock virtual} is on. Never goes back. */
    private long now() {
        return virtualClock ? virtualNow : System.nanoTime() + realOffset;
    }

    /** Also copies every trace line to {@code echo} (stderr for {@code --trace}). */
    public void echoTrace(java.util.function.Consumer<String> echo) {
        this.traceEcho = echo;
        sim.trace(this::traceLine);
    }

    private void traceLine(String line) {
        if (traceLines.size() == TRACE_LINES) {
            traceLines.removeFirst();
        }
        traceLines.addLast(line);
        java.util.function.Consumer<String> e = traceEcho;
        if (e != null) {
            e.accept(line);
        }
    }

    /** What a session leaves behind must not reach the next one. */
    private void startSession() {
        sim.chipSelect(false); // a half frame of the last client is dropped
        if (resetHeld) {
            resetHeld = false;
            sim.setResetAsserted(false);
        }
        traceLines.clear();
        sim.trace(traceEcho == null ? null : this::traceLine);
    }

    /** Runs the protocol on one stream pair until 'Q', end of stream or a protocol error. */
    void serveClient(InputStream in, OutputStream out) throws IOException {
        startSession();
        byte[] frames = new byte[MAX_FRAMES * 4];
        byte[] text = new byte[MAX_TEXT];
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
                    resetHeld = x == 1;
                }
                case 'T' -> {
                    int n = (readByte(in) << 8) | readByte(in);
                    if (n < 1 || n > MAX_TEXT) {
                        protocolError(out, "T with " + n + " bytes (1.." + MAX_TEXT + ")");
                        return;
                    }
                    readFully(in, text, n);
                    byte[] reply = textCommand(new String(text, 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim())
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    int len = Math.min(reply.length, 0xFFFF);
                    out.write(len >>> 8);
                    out.write(len);
                    out.write(reply, 0, len);
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

    /** One text command; the reply starts with "ok" or "error:". */
    String textCommand(String line) {
        String[] w = line.split("\\s+");
        try {
            switch (w[0]) {
                case "counters" -> {
                    SimCounters c = sim.counters();
                    return "ok frames=" + c.frames() + " reads=" + c.reads() + " writes=" + c.writes() + " commands="
                            + c.commands() + " cut=" + c.cutFrames() + " badOpcodes=" + c.badOpcodes() + " overrun="
                            + c.overrunBytes() + " unhandled=" + c.unhandled() + " readOnlyWrites=" + c.readOnlyWrites()
                            + " droppedDatagrams=" + c.droppedDatagrams() + " interruptEdges=" + c.interruptEdges();
                }
                case "unhandled" -> {
                    StringBuilder b = new StringBuilder("ok ").append(sim.unhandledLog().size());
                    for (String u : sim.unhandledLog()) {
                        b.append('\n').append(u);
                    }
                    return b.toString();
                }
                case "ports" -> {
                    StringBuilder b = new StringBuilder("ok");
                    for (int n = 0; n < RegisterTable.SOCKETS; n++) {
                        int status = sim.socketStatus(n);
                        b.append('\n').append('S').append(n).append(' ').append(TraceFormat.status(status));
                        if (status == SimSocket.LISTEN) {
                            int chipPort = sim.reg16(RegisterTable.SOCKET_BASE + n * RegisterTable.SOCKET_STRIDE
                                    + RegisterTable.Sn_PORT);
                            b.append(" tcp ").append(chipPort).append(" 127.0.0.1:").append(sim.realTcpListenPort(chipPort));
                        } else if (sim.realUdpPort(n) >= 0) {
                            int chipPort = sim.reg16(RegisterTable.SOCKET_BASE + n * RegisterTable.SOCKET_STRIDE
                                    + RegisterTable.Sn_PORT);
                            b.append(" udp ").append(chipPort).append(" 127.0.0.1:").append(sim.realUdpPort(n));
                        }
                    }
                    return b.toString();
                }
                case "fault" -> {
                    return fault(w);
                }
                case "reset" -> {
                    sim.faults().clear();
                    if (resetHeld) {
                        resetHeld = false;
                    }
                    sim.setResetAsserted(true);
                    sim.setResetAsserted(false);
                    sim.counters().clear();
                    sim.clearUnhandledLog();
                    traceLines.clear();
                    sim.trace(traceEcho == null ? null : this::traceLine);
                    clock("real");
                    return "ok chip reset, counters, faults, unhandled log, trace and clock cleared";
                }
                case "clock" -> {
                    return clock(w.length > 1 ? w[1] : "");
                }
                case "advance" -> {
                    if (!virtualClock) {
                        return "error: advance needs 'clock virtual' first";
                    }
                    long ms = Long.parseLong(w[1]);
                    if (ms < 0) {
                        return "error: advance needs milliseconds >= 0";
                    }
                    virtualNow += ms * 1_000_000L;
                    return "ok " + virtualNow / 1_000_000L + " ms";
                }
                case "trace" -> {
                    return trace(w);
                }
                case "wait-int" -> {
                    // /INT for a driver that cannot take a callback over the wire: wait for the fall.
                    long ms = Long.parseLong(w[1]);
                    if (ms < 0 || ms > 60_000) {
                        return "error: wait-int needs 0..60000 ms";
                    }
                    long deadline = System.nanoTime() + ms * 1_000_000L;
                    boolean low = sim.pollInterrupt();
                    while (!low && !virtualClock && System.nanoTime() - deadline < 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(500_000L);
                        low = sim.pollInterrupt();
                    }
                    return low ? "ok 1" : "ok 0";
                }
                case "help" -> {
                    return "ok counters | unhandled | ports | fault NAME [ARGS] | reset | clock real|virtual"
                            + " | advance MS | trace on|off|read|reg NAME|socket N | wait-int MS";
                }
                default -> {
                    return "error: unknown command '" + w[0] + "' (try help)";
                }
            }
        } catch (RuntimeException e) {
            return "error: " + line + ": " + e.getMessage();
        }
    }

    private String clock(String mode) {
        switch (mode) {
            case "virtual" -> {
                if (!virtualClock) {
                    virtualNow = System.nanoTime() + realOffset;
                    virtualClock = true;
                }
                return "ok virtual clock at " + virtualNow / 1_000_000L + " ms";
            }
            case "real" -> {
                if (virtualClock) {
                    // Back to real time without going back: real time resumes from where virtual time stood.
                    realOffset = Math.max(realOffset, virtualNow - System.nanoTime());
                    virtualClock = false;
                }
                return "ok real clock";
            }
            default -> {
                return "error: clock real|virtual";
            }
        }
    }

    private String fault(String[] w) {
        Faults f = sim.faults();
        String name = w.length > 1 ? w[1] : "";
        switch (name) {
            case "clear" -> f.clear();
            case "arp-no-answer" -> f.arpNoAnswer(on(w));
            case "commands-stuck" -> f.commandsStuck(on(w));
            case "lost-reset" -> f.lostReset(on(w));
            case "miso-stuck" -> f.misoStuckAt(w[2].equals("off") ? -1 : Integer.decode(w[2]));
            case "open-pointers" -> f.openPointersAt(Integer.decode(w[2]));
            case "ip-conflict" -> f.ipConflict();
            case "reset-peer" -> f.resetPeer(Integer.parseInt(w[2]));
            case "close-peer" -> f.closePeer(Integer.parseInt(w[2]));
            case "silence-peer" -> f.silencePeer(Integer.parseInt(w[2]));
            case "slow-peer" -> f.slowPeer(Integer.parseInt(w[2]), Long.parseLong(w[3]) * 1_000_000L);
            default -> {
                return "error: faults: clear, arp-no-answer on|off, commands-stuck on|off, lost-reset on|off,"
                        + " miso-stuck VALUE|off, open-pointers VALUE, ip-conflict, reset-peer N, close-peer N,"
                        + " silence-peer N, slow-peer N MS";
            }
        }
        return "ok fault " + String.join(" ", java.util.Arrays.copyOfRange(w, 1, w.length));
    }

    private static boolean on(String[] w) {
        if (w.length < 3 || !(w[2].equals("on") || w[2].equals("off"))) {
            throw new IllegalArgumentException("needs on or off");
        }
        return w[2].equals("on");
    }

    private String trace(String[] w) {
        String what = w.length > 1 ? w[1] : "";
        switch (what) {
            case "on" -> sim.trace(this::traceLine);
            case "off" -> sim.trace(traceEcho == null ? null : this::traceLine);
            case "reg" -> {
                String reg = w[2];
                sim.trace(l -> {
                    if (l.contains(" " + reg + "=") || l.contains(" " + reg + "[")) {
                        traceLine(l);
                    }
                });
            }
            case "socket" -> {
                int n = Integer.parseInt(w[2]);
                String regs = " S" + n + "_";
                String events = "# S" + n + " ";
                sim.trace(l -> {
                    if (l.contains(regs) || l.startsWith(events) || l.startsWith("! S" + n)) {
                        traceLine(l);
                    }
                });
            }
            case "read" -> {
                StringBuilder b = new StringBuilder("ok ").append(traceLines.size());
                for (String l : traceLines) {
                    b.append('\n').append(l);
                }
                traceLines.clear();
                return b.toString();
            }
            default -> {
                return "error: trace on|off|read|reg NAME|socket N";
            }
        }
        return "ok trace " + what;
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
                s.echoTrace(System.err::println);
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
