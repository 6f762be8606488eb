package dev.w5100alert.sim;

import static dev.w5100alert.sim.RegisterTable.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One of the chip's four hardware sockets: its state machine (Sn_SR), interrupts (Sn_IR), buffer
 * pointers and the real loopback channel it is bridged to.
 *
 * <p>Network state is pulled lazily in {@link #refresh()}, which the simulator calls when a status or
 * size register of this socket is read or a command runs. Every I/O is non-blocking; every loop is
 * bounded by the buffer sizes.
 */
final class SimSocket {

    // Sn_SR values (datasheet 4.2).
    static final int CLOSED = 0x00;
    static final int ARP = 0x01;
    static final int INIT = 0x13;
    static final int LISTEN = 0x14;
    static final int SYNSENT = 0x15;
    static final int SYNRECV = 0x16;
    static final int ESTABLISHED = 0x17;
    static final int FIN_WAIT = 0x18;
    static final int CLOSING = 0x1A;
    static final int TIME_WAIT = 0x1B;
    static final int CLOSE_WAIT = 0x1C;
    static final int LAST_ACK = 0x1D;
    static final int UDP = 0x22;
    static final int IPRAW = 0x32;
    static final int MACRAW = 0x42;

    // Sn_IR bits.
    static final int IR_SEND_OK = 0x10;
    static final int IR_TIMEOUT = 0x08;
    static final int IR_RECV = 0x04;
    static final int IR_DISCON = 0x02;
    static final int IR_CON = 0x01;

    // Sn_CR commands.
    static final int CMD_OPEN = 0x01;
    static final int CMD_LISTEN = 0x02;
    static final int CMD_CONNECT = 0x04;
    static final int CMD_DISCON = 0x08;
    static final int CMD_CLOSE = 0x10;
    static final int CMD_SEND = 0x20;
    static final int CMD_SEND_MAC = 0x21;
    static final int CMD_SEND_KEEP = 0x22;
    static final int CMD_RECV = 0x40;

    /** TCP MSS of a peer on Ethernet (1500 - 20 IP - 20 TCP), and the chip's default. */
    static final int ETHERNET_MSS = 1460;
    /** Largest UDP payload in one Ethernet frame (1500 - 20 IP - 8 UDP); the W5100 does not fragment. */
    static final int UDP_MAX_PAYLOAD = 1472;
    private static final int UDP_HEADER = 8;
    private static final long NEVER = Long.MAX_VALUE;
    private static final int MAX_DATAGRAMS_PER_REFRESH = 16;

    private final W5100Simulator sim;
    private final int n;
    private final int base;
    /** Scratch between the rings and the channels; 8 KB covers the largest ring. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(8192);
    private final ByteBuffer datagramIn = ByteBuffer.allocateDirect(UDP_MAX_PAYLOAD + 1);

    int status = CLOSED;
    int ir;
    /** Free-running 16-bit pointers: TX read (acked), TX write as latched by SEND, RX write, RX read. */
    int txRd;
    int txWrLatched;
    int rxWr;
    int rxRd;

    private SocketChannel tcp;
    private DatagramChannel udp;
    private ServerSocketChannel listener;
    private int listenPort;
    private int destAddress;
    private int destPort;
    private VirtualNetwork.Host destHost;
    private boolean arpAnswered;
    private int arpTarget;

    private long arpDoneAt = NEVER;
    /** When the SYN/SYN-ACK exchange is over in virtual time (SYNSENT is shown until then). */
    private long synDoneAt;
    /** UDP: the destination the last answered ARP resolved (valid while {@link #arpCacheValid}). */
    private int arpCachedAddress;
    private VirtualNetwork.Host arpCachedHost;
    private boolean arpCacheValid;
    private long synTimeoutAt = NEVER;
    private long sendTimeoutAt = NEVER;
    private long finTimeoutAt = NEVER;
    private long sendReleaseAt;
    private boolean sendInFlight;
    private boolean finRequested;
    private boolean finSent;
    private boolean peerFin;
    private boolean lastAckShown;
    private boolean keepAliveOutstanding;
    private int datagramFrom;
    private int datagramFromPort;

    // Peer faults (reset with the connection).
    long slowAckNanos;
    private boolean peerSilent;
    private boolean injectedClose;

    SimSocket(W5100Simulator sim, int n) {
        this.sim = sim;
        this.n = n;
        this.base = SOCKET_BASE + n * SOCKET_STRIDE;
    }

    // ---------------------------------------------------------------- sizes

    int txFreeSize() {
        int size = sim.txSize[n];
        int used = (txWrLatched - txRd) & 0xFFFF;
        return used >= size ? 0 : size - used;
    }

    int rxReceivedSize() {
        return (rxWr - rxRd) & 0xFFFF;
    }

    int udpRealPort() {
        return udp != null && udp.socket() != null ? udp.socket().getLocalPort() : -1;
    }

    // ---------------------------------------------------------------- interrupts and state

    void clearInterrupts(int bits) {
        ir &= ~bits;
        sim.updateInterrupts();
    }

    private void raise(int bits) {
        ir |= bits;
        sim.updateInterrupts();
    }

    private void setStatus(int next) {
        if (next != status) {
            if (sim.trace != null) {
                sim.event("S" + n + " " + TraceFormat.status(status) + " -> " + TraceFormat.status(next));
            }
            int previous = status;
            status = next;
            if (previous == LISTEN) {
                leaveListen();
            }
        }
    }

    /** This socket no longer listens: the real listener closes unless another socket listens too. */
    private void leaveListen() {
        listener = null;
        sim.releaseListener(listenPort);
    }

    /** The chip port this socket listens on, or -1 when it is not in LISTEN. */
    int listeningOn() {
        return status == LISTEN ? listenPort : -1;
    }

    /** Back to power-on state: CLOSED, no interrupts, pointers 0, every channel released. */
    void resetSocket() {
        dropChannels(false);
        setStatus(CLOSED);
        slowAckNanos = 0;
        ir = 0;
        txRd = txWrLatched = rxWr = rxRd = 0;
        clearConnectionState();
    }

    private void clearConnectionState() {
        arpDoneAt = synTimeoutAt = sendTimeoutAt = finTimeoutAt = NEVER;
        sendReleaseAt = 0;
        sendInFlight = finRequested = finSent = peerFin = lastAckShown = keepAliveOutstanding = false;
        destHost = null;
        // slowAckNanos is a property of the socket's peers and stays until changed or chip reset;
        // silence and an injected close belong to one connection.
        peerSilent = injectedClose = false;
    }

    // ---------------------------------------------------------------- commands (datasheet 4.2, Sn_CR)

    void command(int cmd) {
        switch (cmd) {
            case CMD_OPEN -> open();
            case CMD_LISTEN -> listen();
            case CMD_CONNECT -> connect();
            case CMD_DISCON -> discon();
            case CMD_CLOSE -> closeCommand();
            case CMD_SEND -> send();
            case CMD_SEND_MAC -> sendMac();
            case CMD_SEND_KEEP -> sendKeep();
            case CMD_RECV -> recv();
            default -> sim.unhandled("S" + n + "_CR=0x" + W5100Simulator.hex2(cmd) + " is not a W5100 command");
        }
    }

    private void open() {
        // The datasheet does not say what OPEN does to a socket that is not CLOSED; we drop whatever
        // was open (a real connection is reset) and start afresh, which is what drivers rely on.
        if (status != CLOSED) {
            dropChannels(true);
        }
        clearConnectionState();
        arpCacheValid = false;
        // The datasheet says OPEN initialises the pointers but not to what; we use 0 unless the
        // openPointersAt fault picks another start (drivers must read them, not assume 0).
        int start = sim.faults.openPointers & 0xFFFF;
        txRd = txWrLatched = rxWr = rxRd = start;
        sim.put16(base + Sn_TX_WR, start);
        sim.put16(base + Sn_RX_RD, start);
        int mode = sim.mem[base + Sn_MR] & 0x0F;
        switch (mode) {
            case 0x01 -> setStatus(INIT);
            case 0x02 -> openUdp();
            case 0x03 -> {
                setStatus(IPRAW); // SEND completes; only ICMP echo to virtual hosts is answered (rawSend)
            }
            case 0x04 -> {
                if (n == 0) {
                    setStatus(MACRAW); // SEND completes, frames are not bridged (rawSend)
                } else {
                    sim.unhandled("S" + n + "_CR=OPEN with MACRAW: only socket 0 supports MACRAW");
                    setStatus(CLOSED);
                }
            }
            default -> {
                sim.unhandled("S" + n + "_CR=OPEN with S" + n + "_MR protocol " + mode + ": socket stays CLOSED");
                setStatus(CLOSED);
            }
        }
    }

    private void openUdp() {
        try {
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0));
            ch.configureBlocking(false);
            udp = ch;
            setStatus(UDP);
            sim.event("S" + n + " UDP port " + sim.reg16(base + Sn_PORT) + " is real 127.0.0.1:" + udpRealPort());
        } catch (IOException e) {
            sim.unhandled("S" + n + " could not bind a loopback UDP socket: " + e.getMessage());
            setStatus(CLOSED);
        }
    }

    private void listen() {
        if (status != INIT) {
            sim.unhandled("S" + n + "_CR=LISTEN in " + TraceFormat.status(status) + " (needs INIT): ignored");
            return;
        }
        try {
            listenPort = sim.reg16(base + Sn_PORT);
            listener = sim.listenerFor(listenPort);
            setStatus(LISTEN);
        } catch (IOException e) {
            sim.unhandled("S" + n + " could not open a loopback listener: " + e.getMessage());
        }
    }

    private void connect() {
        if (status != INIT) {
            sim.unhandled("S" + n + "_CR=CONNECT in " + TraceFormat.status(status) + " (needs INIT): ignored");
            return;
        }
        // Destination registers are taken when the command runs (as MAME's model does).
        destAddress = sim.reg32(base + Sn_DIPR);
        destPort = sim.reg16(base + Sn_DPORT);
        startArp();
        refresh();
    }

    /**
     * Starts address resolution for {@link #destAddress}: on-subnet destinations are ARPed directly,
     * off-subnet ones through GAR. Sn_SR shows ARP until it is answered or times out.
     */
    private void startArp() {
        int sip = sim.reg32(SIPR);
        int mask = sim.reg32(SUBR);
        int gar = sim.reg32(GAR);
        VirtualNetwork net = sim.network;
        int arpTarget;
        boolean answered;
        if (((destAddress ^ sip) & mask) == 0) {
            arpTarget = destAddress;
            answered = net.host(destAddress) != null || sim.lan.answersArp(destAddress);
        } else {
            arpTarget = gar;
            answered = net.hasGateway() && gar == net.gateway();
        }
        if (sim.faults.arpNoAnswer) {
            answered = false;
        }
        destHost = net.host(destAddress);
        arpAnswered = answered;
        long now = sim.now();
        long reply = net.arpReplyNanos() > 0 ? net.arpReplyNanos() : sim.arpLatencyNanos;
        arpDoneAt = now + (answered ? reply : sim.arpTimeoutNanos());
        this.arpTarget = arpTarget;
        setStatus(ARP);
    }

    private void arpFinished() {
        arpDoneAt = NEVER;
        boolean tcpMode = udp == null;
        if (!arpAnswered) {
            raise(IR_TIMEOUT);
            if (tcpMode) {
                setStatus(CLOSED);
            } else {
                // UDP: the datagram is dropped, the socket stays open (datasheet: ARP timeout
                // changes SOCK_ARP back to SOCK_UDP). We consume the data so TX_FSR recovers.
                txRd = txWrLatched;
                setStatus(UDP);
            }
            return;
        }
        putPeerMac(arpTarget);
        arpCachedAddress = destAddress;
        arpCachedHost = destHost;
        arpCacheValid = true;
        if (tcpMode) {
            startTcpConnect();
        } else {
            setStatus(UDP);
            sendDatagram();
        }
    }

    /** Sn_DHAR gets the station's MAC: a locally administered one made from its virtual IPv4. */
    private void putPeerMac(int ipv4) {
        sim.mem[base + Sn_DHAR] = 0x02;
        sim.mem[base + Sn_DHAR + 1] = 0x00;
        sim.put32(base + Sn_DHAR + 2, ipv4);
    }

    private void startTcpConnect() {
        setStatus(SYNSENT);
        synDoneAt = sim.now() + sim.handshakeNanos;
        VirtualNetwork.Host host = destHost;
        if (host == null || host.silent()) {
            // Nobody answers the SYN: retransmissions, then TIMEOUT and CLOSED.
            synTimeoutAt = sim.now() + sim.tcpTimeoutNanos();
            return;
        }
        Integer real = host.tcpPorts().get(destPort);
        if (real == null) {
            refused("no service on " + VirtualNetwork.formatIpv4(destAddress) + ":" + destPort);
            return;
        }
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            // The chip puts each SEND on the wire at once; it has no Nagle delay. Without this the
            // host kernel holds small segments for the peer's delayed ACK (~40 ms per exchange).
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            tcp = ch;
            if (ch.connect(new InetSocketAddress(VirtualNetwork.LOOPBACK, real)) && sim.handshakeNanos == 0) {
                established();
            }
        } catch (IOException e) {
            refused(e.getMessage());
        }
    }

    /**
     * The peer answered SYN with RST. The datasheet names no interrupt for this; we go to CLOSED and
     * raise DISCON (the peer ended the connection), never TIMEOUT, so a driver can tell "refused" from
     * "nobody there".
     */
    private void refused(String why) {
        sim.event("S" + n + " connection refused (" + why + ")");
        dropChannels(false);
        raise(IR_DISCON);
        setStatus(CLOSED);
    }

    private void established() {
        synTimeoutAt = NEVER;
        // The connection uses the smaller of the host's MSSR (0 = the default 1460) and the peer's
        // MSS, which on our virtual Ethernet is 1460; MSSR then shows the value in use.
        int written = sim.reg16(base + Sn_MSSR);
        sim.put16(base + Sn_MSSR, written == 0 ? ETHERNET_MSS : Math.min(written, ETHERNET_MSS));
        setStatus(ESTABLISHED);
        raise(IR_CON);
    }

    private void discon() {
        switch (status) {
            case ESTABLISHED -> {
                finRequested = true;
                finTimeoutAt = sim.now() + sim.tcpTimeoutNanos();
                setStatus(FIN_WAIT);
                pumpTcp();
            }
            case CLOSE_WAIT -> {
                finRequested = true;
                setStatus(LAST_ACK);
                pumpTcp();
            }
            case SYNSENT, ARP, LISTEN, INIT -> {
                // Nothing to say FIN to: the chip gives up the attempt.
                dropChannels(true);
                setStatus(CLOSED);
            }
            default -> sim.unhandled("S" + n + "_CR=DISCON in " + TraceFormat.status(status) + ": ignored");
        }
    }

    private void closeCommand() {
        // CLOSE ends the socket at once. What goes on the wire is not specified; for a live connection
        // we reset it, so the real peer learns at once instead of hanging.
        dropChannels(true);
        clearConnectionState();
        setStatus(CLOSED);
    }

    private void send() {
        int txWr = sim.reg16(base + Sn_TX_WR);
        int length = (txWr - txRd) & 0xFFFF;
        int size = sim.txSize[n];
        if (length > size) {
            sim.unhandled("S" + n + "_CR=SEND with TX_WR-TX_RD=" + length + " > buffer " + size + ": ignored");
            return;
        }
        switch (status) {
            case ESTABLISHED, CLOSE_WAIT -> {
                txWrLatched = txWr;
                if (length == 0 && !sendInFlight) {
                    raise(IR_SEND_OK); // nothing to send; the datasheet is silent, we complete at once
                    return;
                }
                sendInFlight = true;
                long now = sim.now();
                sendReleaseAt = now + slowAckNanos;
                sendTimeoutAt = now + sim.tcpTimeoutNanos();
                pumpTcp();
            }
            case UDP -> {
                if (length == 0) {
                    // Errata: a zero-length UDP SEND can lock the chip. We never complete it.
                    sim.unhandled("S" + n + "_CR=SEND of 0 bytes in UDP (errata: no SEND_OK ever)");
                    return;
                }
                if (length > UDP_MAX_PAYLOAD && !sim.udpSplitAtMtu) {
                    sim.unhandled("S" + n + " UDP SEND of " + length + " bytes > " + UDP_MAX_PAYLOAD
                            + ": sent as one datagram (udpSplitAtMtu is off)");
                }
                txWrLatched = txWr;
                destAddress = sim.reg32(base + Sn_DIPR);
                destPort = sim.reg16(base + Sn_DPORT);
                if (destAddress == 0xFFFFFFFF) {
                    // Limited broadcast needs no ARP (WIZnet's DHCP client sends it with SIPR 0.0.0.0);
                    // on our virtual wire only the LAN's DHCP servers listen to it.
                    sendDatagram();
                    return;
                }
                if (sim.udpArpCache && arpCacheValid && destAddress == arpCachedAddress && !sim.faults.arpNoAnswer) {
                    // The datasheet is silent on repeated SENDs to the same DIPR; the W5200/W5500 documents
                    // say ARP runs only when the destination changed: the datagram leaves at once.
                    destHost = arpCachedHost; // no lookup (and no boxing) on this path
                    sendDatagram();
                    return;
                }
                startArp();
                refresh();
            }
            case IPRAW, MACRAW -> rawSend(txWr, length);
            default -> sim.unhandled("S" + n + "_CR=SEND in " + TraceFormat.status(status) + ": ignored");
        }
    }

    /**
     * SEND on IPRAW/MACRAW completes as on the chip (SEND_OK; the datasheet's wait loops need it). The one
     * packet modelled is an ICMP echo request (Sn_PROTO 1) to a declared, answering virtual host: its echo
     * reply arrives in RX with the IPRAW header (peer IP, size; datasheet 5.2.3). Anything else is reported
     * as not bridged and dropped.
     */
    private void rawSend(int txWr, int length) {
        txWrLatched = txWr;
        int dip = sim.reg32(base + Sn_DIPR);
        VirtualNetwork.Host host = sim.network.host(dip);
        boolean icmp = status == IPRAW && (sim.mem[base + Sn_PROTO] & 0xFF) == 1;
        copyOutOfTxRing(length);
        if (icmp && length >= 8 && scratch.get(0) == 8 && host != null && !host.silent()
                && 6 + length <= sim.rxSize[n] - rxReceivedSize()) {
            scratch.put(0, (byte) 0); // echo reply: type 0, same code, id, sequence and data
            scratch.putShort(2, (short) 0);
            scratch.putShort(2, (short) icmpChecksum(scratch, length));
            ByteBuffer header = datagramIn;
            header.clear();
            header.putInt(dip).putShort((short) length).flip();
            copyIntoRing(header, 6);
            copyIntoRing(scratch, length);
            raise(IR_RECV);
            sim.event("S" + n + " ICMP echo to " + VirtualNetwork.formatIpv4(dip) + " answered");
        } else {
            sim.unhandled("S" + n + " " + TraceFormat.status(status) + " SEND of " + length
                    + " bytes to " + VirtualNetwork.formatIpv4(dip) + ": SEND_OK, but raw packets are not bridged");
        }
        txRd = txWrLatched;
        raise(IR_SEND_OK);
    }

    /** RFC 1071 checksum of {@code length} bytes from position 0. */
    private static int icmpChecksum(ByteBuffer b, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((b.get(i) & 0xFF) << 8) | (b.get(i + 1) & 0xFF);
        }
        if ((length & 1) != 0) {
            sum += (b.get(length - 1) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * SEND_MAC (UDP only): like SEND but to the MAC already in Sn_DHAR, without ARP. On our virtual
     * wire the MAC is not checked: the datagram reaches DIPR:DPORT if that is a declared host.
     */
    private void sendMac() {
        if (status != UDP) {
            sim.unhandled("S" + n + "_CR=SEND_MAC in " + TraceFormat.status(status) + " (UDP only): ignored");
            return;
        }
        int txWr = sim.reg16(base + Sn_TX_WR);
        int length = (txWr - txRd) & 0xFFFF;
        if (length == 0 || length > sim.txSize[n]) {
            sim.unhandled("S" + n + "_CR=SEND_MAC with " + length + " bytes: ignored");
            return;
        }
        txWrLatched = txWr;
        destAddress = sim.reg32(base + Sn_DIPR);
        destPort = sim.reg16(base + Sn_DPORT);
        destHost = sim.network.host(destAddress);
        sendDatagram();
    }

    /**
     * SEND_KEEP (TCP, ESTABLISHED): a 1-byte keep-alive probe. A live peer acknowledges it (nothing
     * visible); a silent one lets it time out: TIMEOUT and CLOSED after the retransmission time.
     */
    private void sendKeep() {
        if (status != ESTABLISHED && status != CLOSE_WAIT) {
            sim.unhandled("S" + n + "_CR=SEND_KEEP in " + TraceFormat.status(status) + ": ignored");
            return;
        }
        if (peerSilent && !keepAliveOutstanding) {
            keepAliveOutstanding = true;
            sendTimeoutAt = Math.min(sendTimeoutAt, sim.now() + sim.tcpTimeoutNanos());
        }
        refresh();
    }

    private void recv() {
        if (status == CLOSED || status == INIT || status == LISTEN) {
            sim.unhandled("S" + n + "_CR=RECV in " + TraceFormat.status(status) + ": ignored");
            return;
        }
        int rd = sim.reg16(base + Sn_RX_RD);
        int consumed = (rd - rxRd) & 0xFFFF;
        if (consumed > rxReceivedSize()) {
            sim.unhandled("S" + n + "_CR=RECV with RX_RD beyond the received data: ignored");
            return;
        }
        rxRd = rd;
        refresh();
    }

    // ---------------------------------------------------------------- network side, pulled lazily

    /** Brings this socket up to date with the clock and its real channel. Non-blocking. */
    void refresh() {
        switch (status) {
            case CLOSED, INIT, IPRAW, MACRAW -> {
                // nothing in flight
            }
            case ARP -> {
                if (sim.now() >= arpDoneAt) {
                    arpFinished();
                }
            }
            case LISTEN -> acceptIfAny();
            case SYNSENT -> finishConnect();
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT, LAST_ACK -> {
                if (finSent && status == LAST_ACK) {
                    // Our FIN went out after the peer's; its ACK comes back at once on loopback. We
                    // still show LAST_ACK to one status poll so drivers meet the state they will see.
                    if (!lastAckShown) {
                        lastAckShown = true;
                        return;
                    }
                    dropChannels(false);
                    setStatus(CLOSED);
                    return;
                }
                pumpTcp();
            }
            case TIME_WAIT -> {
                // 2*MSL is not modelled: TIME_WAIT is shown once, then the socket is CLOSED.
                dropChannels(false);
                setStatus(CLOSED);
            }
            case UDP -> pumpUdp();
            default -> {
                // SYNRECV and CLOSING are never entered by this model.
            }
        }
    }

    /**
     * Several sockets listening on one port share the real listener; which takes a connection must not
     * depend on which the driver happens to poll first. The datasheet is silent; we give it to the lowest
     * socket number in LISTEN on that port (each takes one connection and leaves LISTEN).
     */
    private void acceptIfAny() {
        for (int m = 0; m < n; m++) {
            SimSocket lower = sim.socket(m);
            if (lower.listeningOn() == listenPort) {
                lower.acceptOne();
                return;
            }
        }
        acceptOne();
    }

    private void acceptOne() {
        try {
            SocketChannel ch = listener.accept();
            if (ch == null) {
                return;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // as on the connect side: no Nagle at the chip
            tcp = ch;
            InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
            sim.put32(base + Sn_DIPR, sim.network.inboundPeer());
            sim.put16(base + Sn_DPORT, peer.getPort());
            putPeerMac(sim.network.inboundPeer()); // the SYN's source MAC, as after an ARP answer
            // The SYN/SYN-ACK/ACK exchange is done by the kernel; SYNRECV is not observable here.
            established();
        } catch (IOException e) {
            sim.unhandled("S" + n + " accept failed: " + e.getMessage());
        }
    }

    private void finishConnect() {
        if (tcp == null) {
            if (sim.now() >= synTimeoutAt) {
                raise(IR_TIMEOUT);
                setStatus(CLOSED);
            }
            return;
        }
        if (sim.now() - synDoneAt < 0) {
            return; // the handshake's round trip has not passed yet in virtual time
        }
        try {
            if (tcp.finishConnect()) {
                established();
            }
        } catch (IOException e) {
            refused(e.getMessage());
        }
    }

    /** Moves TCP data both ways within the ring bounds and notices the peer's FIN or RST. */
    private void pumpTcp() {
        if (tcp == null) {
            return;
        }
        long now = sim.now();
        // Transmit: TX memory between TX_RD and the latched TX_WR is unacknowledged data.
        int unsent = (txWrLatched - txRd) & 0xFFFF;
        if (peerSilent) {
            if ((unsent > 0 || keepAliveOutstanding) && now >= sendTimeoutAt) {
                timeOut();
                return;
            }
        } else if (unsent > 0 && now >= sendReleaseAt) {
            if (!writeFromRing(unsent)) {
                return;
            }
            unsent = (txWrLatched - txRd) & 0xFFFF;
        }
        if (sendInFlight && unsent == 0 && !peerSilent) {
            sendInFlight = false;
            sendTimeoutAt = NEVER;
            raise(IR_SEND_OK);
        }
        if (finRequested && !finSent && unsent == 0) {
            try {
                tcp.shutdownOutput();
                finSent = true;
            } catch (IOException e) {
                peerReset(e.getMessage());
                return;
            }
        }
        // Receive.
        if (!peerFin && !peerSilent && (status == ESTABLISHED || status == FIN_WAIT)) {
            if (injectedClose) {
                peerClosed();
            } else {
                readIntoRing();
            }
        }
        if (status == FIN_WAIT && !peerFin && now >= finTimeoutAt) {
            // Our FIN was never answered by the peer's: the datasheet is silent on FIN_WAIT2; we end
            // it after the TCP retransmission time with TIMEOUT rather than hang forever.
            timeOut();
        }
    }

    /** Fills {@link #scratch} with {@code length} bytes of the TX ring from TX_RD on, wrapping at its end. */
    private void copyOutOfTxRing(int length) {
        int size = sim.txSize[n];
        int offset = txRd & (size - 1);
        int first = Math.min(length, size - offset);
        scratch.clear();
        scratch.put(sim.mem, sim.txBase[n] + offset, first);
        if (length > first) {
            scratch.put(sim.mem, sim.txBase[n], length - first);
        }
        scratch.flip();
    }

    private boolean writeFromRing(int unsent) {
        copyOutOfTxRing(Math.min(unsent, scratch.capacity()));
        try {
            int written = tcp.write(scratch);
            txRd = (txRd + written) & 0xFFFF;
            return true;
        } catch (IOException e) {
            peerReset(e.getMessage());
            return false;
        }
    }

    private void readIntoRing() {
        int size = sim.rxSize[n];
        int free = size - rxReceivedSize();
        if (free <= 0) {
            return; // zero window: the peer waits, as it would for the chip
        }
        scratch.clear();
        scratch.limit(Math.min(free, scratch.capacity()));
        int got;
        try {
            got = tcp.read(scratch);
        } catch (IOException e) {
            peerReset(e.getMessage());
            return;
        }
        if (got < 0) {
            peerClosed();
            return;
        }
        if (got > 0) {
            scratch.flip();
            copyIntoRing(scratch, got);
            raise(IR_RECV);
        }
    }

    private void copyIntoRing(ByteBuffer from, int length) {
        int size = sim.rxSize[n];
        int mask = size - 1;
        int offset = rxWr & mask;
        int first = Math.min(length, size - offset);
        from.get(sim.mem, sim.rxBase[n] + offset, first);
        if (length > first) {
            from.get(sim.mem, sim.rxBase[n], length - first);
        }
        rxWr = (rxWr + length) & 0xFFFF;
    }

    private void peerClosed() {
        peerFin = true;
        raise(IR_DISCON);
        if (status == ESTABLISHED) {
            setStatus(CLOSE_WAIT);
        } else if (status == FIN_WAIT) {
            finTimeoutAt = NEVER;
            setStatus(TIME_WAIT);
        }
    }

    /**
     * The peer reset the connection. The datasheet names no interrupt for RST; we go to CLOSED with
     * DISCON (the connection ended from the far side). Received data stays readable.
     */
    private void peerReset(String why) {
        sim.event("S" + n + " connection reset by peer (" + why + ")");
        dropChannels(false);
        raise(IR_DISCON);
        setStatus(CLOSED);
    }

    private void timeOut() {
        sim.event("S" + n + " TCP retransmission timeout");
        dropChannels(true);
        raise(IR_TIMEOUT);
        setStatus(CLOSED);
    }

    // ---------------------------------------------------------------- UDP

    private void sendDatagram() {
        int length = (txWrLatched - txRd) & 0xFFFF;
        VirtualNetwork.Host host = destHost;
        if (sim.lan.serves(destAddress, destPort)) {
            copyOutOfTxRing(length);
            sim.lan.fromChip(sim.reg32(SIPR), sim.reg16(base + Sn_PORT), destAddress, destPort, scratch);
        } else if (destAddress != 0xFFFFFFFF && host != null && !host.silent()) {
            Integer real = host.udpPorts().get(destPort);
            if (real == null) {
                sim.raiseUnreachable(destAddress, destPort);
            } else {
                copyOutOfTxRing(length);
                try {
                    InetSocketAddress to = new InetSocketAddress(VirtualNetwork.LOOPBACK, real);
                    // Over the MTU: the W5100 datasheet is silent; the W5200/W5500 documents say the data is
                    // divided into MTU-sized datagrams (udpSplitAtMtu, default on).
                    int piece = sim.udpSplitAtMtu ? UDP_MAX_PAYLOAD : Math.max(length, 1);
                    for (int off = 0; off < length; off += piece) {
                        scratch.limit(Math.min(length, off + piece)).position(off);
                        udp.send(scratch, to);
                    }
                } catch (IOException e) {
                    sim.unhandled("S" + n + " UDP send failed: " + e.getMessage());
                }
            }
        }
        txRd = txWrLatched;
        raise(IR_SEND_OK);
    }

    private void pumpUdp() {
        if (udp == null) {
            return;
        }
        for (int i = 0; i < MAX_DATAGRAMS_PER_REFRESH; i++) {
            if (sim.lan.take(sim.reg16(base + Sn_PORT), sim.reg32(SIPR), datagramIn) >= 0) {
                // an answer of the simulator's own LAN services
                datagramFrom = sim.lan.takenFrom();
                datagramFromPort = sim.lan.takenFromPort();
            } else if (!receiveDatagram()) {
                return;
            }
            int length = datagramIn.remaining();
            int free = sim.rxSize[n] - rxReceivedSize();
            if (UDP_HEADER + length > free) {
                // No room for header and payload: the chip drops the datagram (UDP has no window to
                // hold the sender back), so a driver that reads too slowly loses datagrams here too.
                sim.counters.droppedDatagrams++;
                sim.event("S" + n + " RX buffer full: dropped a " + length + "-byte datagram");
                continue;
            }
            ByteBuffer header = scratch;
            header.clear();
            header.putInt(datagramFrom).putShort((short) datagramFromPort).putShort((short) length);
            header.flip();
            copyIntoRing(header, UDP_HEADER);
            copyIntoRing(datagramIn, length);
            raise(IR_RECV);
        }
    }

    private boolean receiveDatagram() {
        datagramIn.clear();
        SocketAddress from;
        try {
            from = udp.receive(datagramIn);
        } catch (IOException e) {
            sim.unhandled("S" + n + " UDP receive failed: " + e.getMessage());
            return false;
        }
        if (from == null) {
            return false;
        }
        if (datagramIn.position() > UDP_MAX_PAYLOAD) {
            sim.unhandled("S" + n + " dropped an inbound datagram larger than " + UDP_MAX_PAYLOAD + " bytes");
            return false;
        }
        datagramIn.flip();
        int realPort = ((InetSocketAddress) from).getPort();
        int[] virtual = sim.network.udpSourceFor(realPort);
        if (virtual != null) {
            datagramFrom = virtual[0];
            datagramFromPort = virtual[1];
        } else {
            datagramFrom = sim.network.inboundPeer();
            datagramFromPort = realPort;
        }
        return true;
    }

    // ---------------------------------------------------------------- faults

    void injectPeerReset() {
        if (tcp != null) {
            peerReset("injected fault");
        }
    }

    void injectPeerClose() {
        injectedClose = true;
        if (status == ESTABLISHED || status == FIN_WAIT) {
            peerClosed();
        }
    }

    void injectSilence() {
        peerSilent = true;
        if (sendInFlight) {
            sendTimeoutAt = Math.min(sendTimeoutAt, sim.now() + sim.tcpTimeoutNanos());
        }
    }

    // ---------------------------------------------------------------- channels

    private void dropChannels(boolean abort) {
        if (tcp != null) {
            try {
                if (abort) {
                    tcp.setOption(StandardSocketOptions.SO_LINGER, 0); // close with RST
                }
            } catch (IOException | RuntimeException e) {
                // not connected yet: a plain close is all there is
            }
            try {
                tcp.close();
            } catch (IOException e) {
                sim.unhandled("S" + n + " closing a TCP channel failed: " + e.getMessage());
            }
            tcp = null;
        }
        if (udp != null) {
            try {
                udp.close();
            } catch (IOException e) {
                sim.unhandled("S" + n + " closing a UDP channel failed: " + e.getMessage());
            }
            udp = null;
        }
    }
}
