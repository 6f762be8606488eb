package dev.w5100alert.sim;

import static dev.w5100alert.sim.RegisterTable.*;

import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.sim.lan.LanServices;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A register-level model of the WIZnet W5100, written from its datasheet, behind hal's {@link SpiBus}.
 *
 * <p>It is the oracle the driver is tested against: the SPI side is a byte state machine (one byte in,
 * one byte out, frame position reset on chip-select release), the register map is declared once in
 * {@link RegisterTable} with reset values and access modes, and the four hardware sockets are bridged
 * to real non-blocking sockets on 127.0.0.1 through a {@link VirtualNetwork}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Nothing sleeps. Time comes from the injected nanosecond clock; ARP and TCP timeouts are
 *       evaluated lazily whenever a status or data register (or a command) needs fresh state.</li>
 *   <li>Register frames that do not touch live status do no I/O and allocate nothing (with no trace
 *       installed); the network is polled non-blocking, only when a status register is read or a
 *       command runs.</li>
 *   <li>Only 127.0.0.1 is ever connected to or bound.</li>
 *   <li>Accesses the model does not handle are counted ({@link SimCounters#unhandled()}), traced and
 *       kept in {@link #unhandledLog()} (last 64), never silently ignored.</li>
 *   <li>Not thread-safe: drive it from one thread. {@link #close()} releases every real socket.</li>
 * </ul>
 *
 * <p>Use from tests: construct with a network and a clock, then talk SPI frames:
 * <pre>{@code
 * try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
 *     sim.transfer(mosi, miso, 0, frames);   // 4-byte frames, CS released after each
 * }
 * }</pre>
 */
public final class W5100Simulator implements SpiBus, AutoCloseable {

    /** Chip-level memory: registers 0x0000-0x07FF, TX 0x4000-0x5FFF, RX 0x6000-0x7FFF. */
    static final int MEMORY = 0x8000;
    static final int TX_REGION = 0x4000;
    static final int RX_REGION = 0x6000;
    static final int REGION_SIZE = 0x2000;

    // IR bits (datasheet 4.1).
    static final int IR_CONFLICT = 0x80;
    static final int IR_UNREACH = 0x40;
    static final int IR_PPPOE = 0x20;

    private static final int UNHANDLED_LOG = 64;

    final RegisterTable table = new RegisterTable();
    final byte[] mem = new byte[MEMORY];
    final SimCounters counters = new SimCounters(table);
    final Faults faults = new Faults(this);
    final VirtualNetwork network;
    private final LongSupplier clock;
    final LanServices lan;
    private final SimSocket[] sockets = new SimSocket[SOCKETS];
    final int[] txBase = new int[SOCKETS];
    final int[] txSize = new int[SOCKETS];
    final int[] rxBase = new int[SOCKETS];
    final int[] rxSize = new int[SOCKETS];
    private final Map<Integer, ServerSocketChannel> listeners = new HashMap<>();
    /** Real port each chip port listened on last, to re-bind the same one. */
    private final Map<Integer, Integer> listenerPorts = new HashMap<>();
    private final ArrayDeque<String> unhandledLog = new ArrayDeque<>();
    TraceSink trace;

    /** Virtual time of a TCP handshake (SYNSENT shown until it passed); see {@link #handshakeNanos(long)}. */
    long handshakeNanos = DEFAULT_HANDSHAKE_NANOS;
    long arpLatencyNanos = DEFAULT_ARP_NANOS;
    /** W5200/W5500 behaviour where the W5100 datasheet is silent; see the setters. */
    boolean udpArpCache = true;
    boolean udpSplitAtMtu = true;

    /** A SYN/SYN-ACK round trip on a LAN: 200 µs of virtual time. */
    public static final long DEFAULT_HANDSHAKE_NANOS = 200_000L;
    /** An ARP answer on a quiet LAN: 100 µs of virtual time. */
    public static final long DEFAULT_ARP_NANOS = 100_000L;

    /** /INT level as last computed (true = low = asserted). */
    private boolean intLow;
    private Runnable interruptListener;

    /** Interrupt bits 7:5 latched by events (CONFLICT, UNREACH, PPPoE); 3:0 come from the sockets. */
    private int irLatched;

    // SPI byte state machine.
    private boolean selected;
    private int position;
    private int opcode;
    private int addressHigh;
    private int addressLow;
    private boolean resetAsserted;

    /**
     * @param network the virtual world behind the chip's PHY
     * @param nanoClock monotonic nanoseconds (tests pass a virtual clock's {@code nanoTime})
     */
    public W5100Simulator(VirtualNetwork network, LongSupplier nanoClock) {
        if (network == null || nanoClock == null) {
            throw new IllegalArgumentException("network and clock are required");
        }
        this.network = network;
        this.clock = nanoClock;
        for (int n = 0; n < SOCKETS; n++) {
            sockets[n] = new SimSocket(this, n);
        }
        this.lan = new LanServices(network.lan(), nanoClock, this::udpSocketOpenOn);
        attachHooks();
        resetChip();
    }

    // ---------------------------------------------------------------- register side effects

    private void attachHooks() {
        Register mr = table.at(MR);
        mr.writer = (i, v) -> writeMr(v);
        Register ir = table.at(IR);
        ir.writer = (i, v) -> {
            irLatched &= ~(v & (IR_CONFLICT | IR_UNREACH | IR_PPPOE));
            updateInterrupts();
        };
        ir.reader = i -> {
            refreshAll();
            return mem[IR] & 0xFF;
        };
        table.at(IMR).writer = (i, v) -> updateInterrupts();
        table.at(RMSR).writer = (i, v) -> layoutMemory();
        table.at(TMSR).writer = (i, v) -> layoutMemory();
        for (int n = 0; n < SOCKETS; n++) {
            final SimSocket s = sockets[n];
            final int base = SOCKET_BASE + n * SOCKET_STRIDE;
            table.socket(n, Sn_CR).writer = (i, v) -> {
                if (faults.commandsStuck) {
                    // The chip never picks the command up: it stays in Sn_CR and nothing happens.
                    mem[base + Sn_CR] = (byte) v;
                    return;
                }
                mem[base + Sn_CR] = 0; // "cleared once accepted" (datasheet 4.2, Sn_CR)
                if (v != 0) {
                    counters.commands++;
                    s.command(v);
                }
            };
            table.socket(n, Sn_IR).writer = (i, v) -> s.clearInterrupts(v);
            table.socket(n, Sn_IR).reader = i -> {
                s.refresh();
                return s.ir;
            };
            table.socket(n, Sn_SR).reader = i -> {
                s.refresh();
                return s.status;
            };
            table.socket(n, Sn_TX_FSR).reader = i -> {
                s.refresh();
                return byteOf(s.txFreeSize(), i);
            };
            table.socket(n, Sn_TX_RD).reader = i -> {
                s.refresh();
                return byteOf(s.txRd, i);
            };
            table.socket(n, Sn_RX_RSR).reader = i -> {
                s.refresh();
                return byteOf(s.rxReceivedSize(), i);
            };
        }
    }

    private static int byteOf(int value16, int index) {
        return index == 0 ? (value16 >>> 8) & 0xFF : value16 & 0xFF;
    }

    private void writeMr(int v) {
        if ((v & 0x80) != 0) {
            if (faults.lostReset) {
                // A lost reset: RST is latched and never self-clears; nothing is reset.
                mem[MR] = (byte) (v | 0x80);
                event("MR.RST set but never clears (lostReset fault)");
                return;
            }
            event("soft reset (MR.RST)");
            resetChip();
            return; // RST self-clears at once; the datasheet gives no duration, drivers poll for it.
        }
        if (faults.lostReset && (mem[MR] & 0x80) != 0) {
            return; // still stuck in reset
        }
        mem[MR] = (byte) v;
        if ((v & 0x08) != 0) {
            unhandled("MR.PPPoE mode set: PPPoE is not modelled");
        }
    }

    /** Puts every register to its reset value and closes every socket (MR.RST and /RESET). */
    private void resetChip() {
        for (SimSocket s : sockets) {
            s.resetSocket();
        }
        for (Register r : table.all()) {
            for (int i = 0; i < r.width; i++) {
                mem[r.address + i] = (byte) r.resetByte(i);
            }
        }
        irLatched = 0;
        if (lan != null) {
            lan.dropQueued();
        }
        layoutMemory();
        updateInterrupts();
    }

    /**
     * The one place IR is computed: latched bits 7:5 plus one bit per socket whose Sn_IR is non-zero
     * (datasheet 4.1: "S3_INT..S0_INT set when an interrupt occurs at socket n, cleared when Sn_IR is
     * cleared").
     */
    void updateInterrupts() {
        int v = irLatched;
        for (int n = 0; n < SOCKETS; n++) {
            if (sockets[n].ir != 0) {
                v |= 1 << n;
            }
        }
        mem[IR] = (byte) v;
        boolean low = (v & mem[IMR] & 0xFF) != 0;
        if (low && !intLow) {
            counters.interruptEdges++;
            Runnable l = interruptListener;
            if (l != null) {
                l.run();
            }
        }
        intLow = low;
    }

    /** Level of the /INT pin: asserted (true) when IR &amp; IMR is non-zero. */
    public boolean interruptAsserted() {
        return (mem[IR] & mem[IMR] & 0xFF) != 0;
    }

    /**
     * The /INT pin as a wire to a GPIO input: {@code listener} runs (on the thread driving the model) each
     * time the pin falls, i.e. {@code IR & IMR} becomes non-zero. {@code null} removes it.
     */
    public void onInterrupt(Runnable listener) {
        this.interruptListener = listener;
    }

    /**
     * Lets the model catch up with the network and virtual time (what a real chip does on its own) and
     * returns the /INT level, firing {@link #onInterrupt} on a fall. Costs no SPI frame: this is how the
     * firmware's wait samples the simulated line between parks.
     */
    public boolean pollInterrupt() {
        refreshAll();
        updateInterrupts();
        return intLow;
    }

    /**
     * Assigns each socket its slice of TX (0x4000) and RX (0x6000) memory from TMSR/RMSR: two bits per
     * socket (socket 0 in bits 1:0), size 1 KB &lt;&lt; code, assigned sequentially from socket 0, so
     * socket n starts after the sizes of sockets 0..n-1. A socket whose slice would end beyond the 8 KB
     * region gets no memory (datasheet 4.1, RMSR: memory is assigned from socket 0 on "within the 8 KB";
     * e.g. 0x03 gives socket 0 all 8 KB and the others nothing, a usual setting); since the start only
     * grows, every later socket gets none either, even a smaller one. Its TX_FSR reads 0.
     */
    private void layoutMemory() {
        layout(mem[RMSR] & 0xFF, RX_REGION, rxBase, rxSize, "RMSR");
        layout(mem[TMSR] & 0xFF, TX_REGION, txBase, txSize, "TMSR");
    }

    private void layout(int sizes, int region, int[] base, int[] size, String name) {
        int next = region;
        for (int n = 0; n < SOCKETS; n++) {
            int bytes = 1024 << ((sizes >>> (2 * n)) & 3);
            base[n] = next;
            if (next + bytes > region + REGION_SIZE) {
                size[n] = 0;
                if (trace != null) {
                    event(name + "=0x" + hex2(sizes) + ": 8 KB used up, socket " + n + " gets no memory");
                }
            } else {
                size[n] = bytes;
            }
            next += bytes;
        }
    }

    // ---------------------------------------------------------------- SPI: byte state machine

    /**
     * Moves /SCS: {@code true} selects the chip (line low), {@code false} releases it. Releasing ends the
     * frame; a frame shorter than 4 bytes is discarded (counted as cut).
     */
    public void chipSelect(boolean select) {
        if (!select && selected && position > 0 && position < 4) {
            counters.cutFrames++;
            if (trace != null) {
                trace.line("! frame cut short after " + position + " byte(s), discarded");
            }
        }
        selected = select;
        position = 0;
    }

    /**
     * Shifts one byte: {@code byteIn} on MOSI, the return value is what the chip drives on MISO at the
     * same time ({@code 0x00, 0x01, 0x02}, then {@code 0x03} on a write or the data on a read).
     */
    public int shift(int byteIn) {
        int in = byteIn & 0xFF;
        int out;
        if (!selected || resetAsserted) {
            out = 0x00;
            unhandled(resetAsserted ? "byte shifted while /RESET is asserted" : "byte shifted with chip-select released");
        } else {
            switch (position) {
                case 0 -> {
                    opcode = in;
                    out = 0x00;
                }
                case 1 -> {
                    addressHigh = in;
                    out = 0x01;
                }
                case 2 -> {
                    addressLow = in;
                    out = 0x02;
                }
                case 3 -> out = completeFrame(in);
                default -> {
                    // The W5100 needs /SCS raised after every frame; we ignore what follows.
                    counters.overrunBytes++;
                    unhandled("byte " + position + " of a frame: chip-select must be released after 4 bytes");
                    out = 0x00;
                }
            }
            position++;
        }
        int stuck = faults.misoStuck;
        return stuck >= 0 ? stuck : out;
    }

    private int completeFrame(int data) {
        counters.frames++;
        int address = (addressHigh << 8) | addressLow;
        if (opcode == 0xF0) {
            counters.writes++;
            write(address, data);
            return 0x03;
        } else if (opcode == 0x0F) {
            counters.reads++;
            return read(address);
        }
        counters.badOpcodes++;
        if (trace != null) {
            trace.line("! bad opcode 0x" + hex2(opcode) + " at 0x" + hex4(address) + ", frame ignored");
        }
        return 0x00; // the datasheet only says other opcodes are invalid; we answer nothing
    }

    /**
     * Shifts {@code frames} 4-byte frames through the same byte state machine, selecting the chip for
     * each frame and releasing it after. No allocation.
     */
    @Override
    public void transfer(byte[] mosi, byte[] miso, int offset, int frames) {
        if (frames < 0 || offset < 0) {
            throw new IllegalArgumentException("offset and frames must be >= 0: offset=" + offset + " frames=" + frames);
        }
        int end = offset + frames * FRAME_BYTES;
        if (end > mosi.length || end > miso.length) {
            throw new IllegalArgumentException("arrays too short: need " + end + " bytes, mosi=" + mosi.length
                    + " miso=" + miso.length);
        }
        for (int p = offset; p < end; p += FRAME_BYTES) {
            chipSelect(true);
            miso[p] = (byte) shift(mosi[p]);
            miso[p + 1] = (byte) shift(mosi[p + 1]);
            miso[p + 2] = (byte) shift(mosi[p + 2]);
            miso[p + 3] = (byte) shift(mosi[p + 3]);
            chipSelect(false);
        }
    }

    /** Pulses /RESET: every register to its reset value, sockets closed, SPI frame state cleared. */
    public void hardwareReset() {
        setResetAsserted(true);
        setResetAsserted(false);
    }

    /**
     * Drives /RESET: while asserted the chip ignores the bus; releasing it resets the chip (unless the
     * {@link Faults#lostReset(boolean) lost reset} fault is on, then the pulse is ignored).
     */
    public void setResetAsserted(boolean asserted) {
        if (faults.lostReset) {
            event("/RESET " + (asserted ? "asserted" : "released") + " ignored (lostReset fault)");
            return;
        }
        if (resetAsserted && !asserted) {
            event("hardware reset");
            resetChip();
        }
        resetAsserted = asserted;
        position = 0;
    }

    // ---------------------------------------------------------------- register access

    private int read(int address) {
        int value;
        if (address < REGISTER_SPACE) {
            Register r = table.at(address);
            if (r == null) {
                unhandled("read of reserved address 0x" + hex4(address));
                return 0x00;
            }
            counters.readsById[r.id]++;
            Register.ReadHook hook = r.reader;
            value = hook != null ? hook.read(address - r.address) : mem[address] & 0xFF;
            if (trace != null) {
                trace.line("R " + TraceFormat.register(r, address - r.address, value));
            }
        } else if (address >= TX_REGION && address < MEMORY) {
            if (address >= RX_REGION) {
                counters.rxBufferReads++;
            }
            value = mem[address] & 0xFF;
            if (trace != null) {
                trace.line("R " + TraceFormat.buffer(address, value));
            }
        } else {
            unhandled("read of reserved address 0x" + hex4(address));
            return 0x00;
        }
        return value;
    }

    private void write(int address, int value) {
        if (address < REGISTER_SPACE) {
            Register r = table.at(address);
            if (r == null) {
                unhandled("write of 0x" + hex2(value) + " to reserved address 0x" + hex4(address));
                return;
            }
            counters.writesById[r.id]++;
            if (trace != null) {
                trace.line("W " + TraceFormat.register(r, address - r.address, value));
            }
            switch (r.access) {
                case READ_ONLY -> {
                    counters.readOnlyWrites++;
                    if (trace != null) {
                        trace.line("! write to read-only " + r.name + " ignored");
                    }
                }
                case READ_WRITE -> {
                    mem[address] = (byte) value;
                    Register.WriteHook hook = r.writer;
                    if (hook != null) {
                        hook.written(address - r.address, value);
                    }
                }
                case CUSTOM -> r.writer.written(address - r.address, value);
            }
        } else if (address >= TX_REGION && address < MEMORY) {
            if (address < RX_REGION) {
                counters.txBufferWrites++;
            } else {
                counters.bufferOther++; // writing RX memory is allowed on the chip; nothing reacts
            }
            mem[address] = (byte) value;
            if (trace != null) {
                trace.line("W " + TraceFormat.buffer(address, value));
            }
        } else {
            unhandled("write of 0x" + hex2(value) + " to reserved address 0x" + hex4(address));
        }
    }

    // ---------------------------------------------------------------- helpers for sockets

    long now() {
        return clock.getAsLong();
    }

    SimSocket socket(int n) {
        if (n < 0 || n >= SOCKETS) {
            throw new IllegalArgumentException("socket must be 0..3, got " + n);
        }
        return sockets[n];
    }

    int reg16(int address) {
        return ((mem[address] & 0xFF) << 8) | (mem[address + 1] & 0xFF);
    }

    int reg32(int address) {
        return ((mem[address] & 0xFF) << 24) | ((mem[address + 1] & 0xFF) << 16)
                | ((mem[address + 2] & 0xFF) << 8) | (mem[address + 3] & 0xFF);
    }

    void put16(int address, int v) {
        mem[address] = (byte) (v >>> 8);
        mem[address + 1] = (byte) v;
    }

    void put32(int address, int v) {
        mem[address] = (byte) (v >>> 24);
        mem[address + 1] = (byte) (v >>> 16);
        mem[address + 2] = (byte) (v >>> 8);
        mem[address + 3] = (byte) v;
    }

    /** ARP timeout, datasheet: RTR x 0.1 ms x (RCR + 1). */
    long arpTimeoutNanos() {
        return (long) reg16(RTR) * 100_000L * ((mem[RCR] & 0xFF) + 1);
    }

    /**
     * TCP retransmission timeout (WIZnet's formula, W5100 family): RCR+1 waits, the first RTR, each
     * next one doubled while it still fits in 16 bits, then held there. Defaults (RTR=2000, RCR=8):
     * 2000+4000+8000+16000+32000+4x64000 = 318000 x 0.1 ms = 31.8 s.
     */
    long tcpTimeoutNanos() {
        long rtr = reg16(RTR);
        if (rtr == 0) {
            return 0;
        }
        long cap = rtr;
        while (cap * 2 <= 0xFFFF) {
            cap *= 2;
        }
        long sum = 0;
        long wait = rtr;
        for (int i = 0; i <= (mem[RCR] & 0xFF); i++) {
            sum += Math.min(wait, cap);
            wait = Math.min(wait * 2, cap);
        }
        return sum * 100_000L;
    }

    /** An ARP request from another station carried our SIPR as its sender IP. */
    void raiseConflict() {
        irLatched |= IR_CONFLICT;
        updateInterrupts();
        event("ARP request from another station with our IP " + VirtualNetwork.formatIpv4(reg32(SIPR))
                + ": IR.CONFLICT");
    }

    void raiseUnreachable(int address, int port) {
        put32(UIPR, address);
        put16(UPORT, port);
        irLatched |= IR_UNREACH;
        updateInterrupts();
        event("ICMP port unreachable from " + VirtualNetwork.formatIpv4(address) + ":" + port);
    }

    /**
     * The real listener for a chip TCP port, opened on the first LISTEN. It is re-bound to the same
     * real port for later LISTENs on that chip port (so a test can keep using it) and closed whenever
     * no socket listens there, so that connections meet a refusal as they would at the chip.
     */
    ServerSocketChannel listenerFor(int chipPort) throws IOException {
        ServerSocketChannel ch = listeners.get(chipPort);
        if (ch == null) {
            ch = ServerSocketChannel.open();
            ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            Integer earlier = listenerPorts.get(chipPort);
            try {
                ch.bind(new InetSocketAddress(VirtualNetwork.LOOPBACK, earlier == null ? 0 : earlier), 4);
            } catch (IOException taken) {
                // Someone else took the port meanwhile: any free one will do; the test asks again.
                ch.bind(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0), 4);
            }
            ch.configureBlocking(false);
            listeners.put(chipPort, ch);
            listenerPorts.put(chipPort, ch.socket().getLocalPort());
            event("chip TCP port " + chipPort + " listens on real 127.0.0.1:" + ch.socket().getLocalPort());
        }
        return ch;
    }

    /** Closes the real listener of {@code chipPort} if no socket listens on it any more. */
    void releaseListener(int chipPort) {
        for (SimSocket s : sockets) {
            if (s.listeningOn() == chipPort) {
                return;
            }
        }
        ServerSocketChannel ch = listeners.remove(chipPort);
        if (ch != null) {
            try {
                ch.close(); // connections still queued in the backlog are reset, as the chip would
            } catch (IOException e) {
                unhandled("closing the listener of chip port " + chipPort + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * Whether some socket is open in UDP mode on chip port {@code port} (LAN answers need one); a UDP
     * socket resolving ARP for its own send still receives.
     */
    private boolean udpSocketOpenOn(int port) {
        for (int n = 0; n < SOCKETS; n++) {
            int base = SOCKET_BASE + n * SOCKET_STRIDE;
            int status = sockets[n].status;
            boolean udp = status == SimSocket.UDP || (status == SimSocket.ARP && (mem[base + Sn_MR] & 0x0F) == 0x02);
            if (udp && reg16(base + Sn_PORT) == port) {
                return true;
            }
        }
        return false;
    }

    private void refreshAll() {
        for (SimSocket s : sockets) {
            s.refresh();
        }
    }

    void event(String what) {
        if (trace != null) {
            trace.line("# " + what);
        }
    }

    void unhandled(String what) {
        counters.unhandled++;
        if (unhandledLog.size() == UNHANDLED_LOG) {
            unhandledLog.removeFirst();
        }
        unhandledLog.addLast(what);
        if (trace != null) {
            trace.line("! " + what);
        }
    }

    static String hex2(int v) {
        String s = Integer.toHexString(v & 0xFF).toUpperCase();
        return s.length() < 2 ? "0" + s : s;
    }

    static String hex4(int v) {
        String s = Integer.toHexString(v & 0xFFFF).toUpperCase();
        return "0000".substring(s.length()) + s;
    }

    // ---------------------------------------------------------------- public API for tests/tools

    /**
     * Virtual time on the wire: an answered ARP takes {@code arpNanos} (default 100 µs; the network's
     * {@code arp-reply-ms}, when set, wins) and a successful CONNECT shows SYNSENT for {@code handshakeNanos}
     * (default 200 µs), so drivers meet the ARP and SYNSENT states a real chip shows. {@code (0, 0)} resolves
     * ARP within the command and shows ESTABLISHED as soon as loopback has connected (for tests whose clock
     * stands still).
     */
    public W5100Simulator wireLatency(long arpNanos, long handshakeNanos) {
        if (arpNanos < 0 || handshakeNanos < 0) {
            throw new IllegalArgumentException("latencies must be >= 0: " + arpNanos + ", " + handshakeNanos);
        }
        this.arpLatencyNanos = arpNanos;
        this.handshakeNanos = handshakeNanos;
        return this;
    }

    /**
     * UDP: ARP only when Sn_DIPR changed since the last answered ARP (default, as the W5200/W5500 documents
     * say; the W5100 datasheet is silent), or {@code false}: ARP before every SEND.
     */
    public W5100Simulator udpArpCache(boolean on) {
        udpArpCache = on;
        return this;
    }

    /**
     * UDP: a SEND longer than 1472 bytes leaves as MTU-sized datagrams (default, as the W5200/W5500 documents
     * say; the W5100 datasheet is silent), or {@code false}: as one datagram, reported as unhandled.
     */
    public W5100Simulator udpSplitAtMtu(boolean on) {
        udpSplitAtMtu = on;
        return this;
    }

    /** Counters of bus traffic. */
    public SimCounters counters() {
        return counters;
    }

    /** Fault injection switches. */
    public Faults faults() {
        return faults;
    }

    /** The register table (names, addresses, reset values, access modes). */
    public RegisterTable registers() {
        return table;
    }

    /** The virtual network this chip is plugged into. */
    public VirtualNetwork network() {
        return network;
    }

    /** Installs (or with {@code null} removes) the decoded trace sink. */
    public void trace(TraceSink sink) {
        this.trace = sink;
        lan.trace(sink);
    }

    /**
     * The running DHCP, DNS and NTP servers of this chip's LAN (declared in the network): their leases,
     * counters and fault switches.
     */
    public LanServices lan() {
        return lan;
    }

    /** Forgets the unhandled-access log (the counter is in {@link SimCounters#clear()}). */
    public void clearUnhandledLog() {
        unhandledLog.clear();
    }

    /** The last (up to 64) descriptions of accesses the model did not handle, oldest first. */
    public List<String> unhandledLog() {
        return new ArrayList<>(unhandledLog);
    }

    /**
     * The real loopback port on which the chip's TCP port {@code chipPort} accepts connections while
     * some socket is in LISTEN on it; -1 when none is (connections are then refused). Later LISTENs on
     * the same chip port get the same real port again whenever the system lets us re-bind it.
     */
    public int realTcpListenPort(int chipPort) {
        ServerSocketChannel ch = listeners.get(chipPort);
        return ch == null ? -1 : ch.socket().getLocalPort();
    }

    /**
     * The real loopback port bound by socket {@code n} while it is open in UDP mode (send datagrams
     * there to reach the chip's Sn_PORT); -1 otherwise.
     */
    public int realUdpPort(int n) {
        return socket(n).udpRealPort();
    }

    /** Socket {@code n}'s Sn_SR as the model holds it (no refresh, no bus traffic). */
    public int socketStatus(int n) {
        return socket(n).status;
    }

    /** Socket {@code n}'s TX or RX buffer size in bytes, as laid out from TMSR/RMSR. */
    public int bufferSize(int n, boolean tx) {
        socket(n);
        return tx ? txSize[n] : rxSize[n];
    }

    /** Socket {@code n}'s TX or RX buffer base address (where it would start; meaningless when its size is 0). */
    public int bufferBase(int n, boolean tx) {
        socket(n);
        return tx ? txBase[n] : rxBase[n];
    }

    /** Releases every real socket the model holds. */
    @Override
    public void close() {
        for (SimSocket s : sockets) {
            s.resetSocket();
        }
        for (ServerSocketChannel ch : listeners.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                unhandled("closing listener failed: " + e.getMessage());
            }
        }
        listeners.clear();
        lan.close();
    }
}
