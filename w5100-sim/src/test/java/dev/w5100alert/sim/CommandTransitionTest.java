package dev.w5100alert.sim;

import static dev.w5100alert.sim.Chip.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Sn_CR command from every state the driver can reach: the next Sn_SR, and whether the model
 * reports the command as not applicable (reported, never silently dropped).
 */
class CommandTransitionTest {
    private final VirtualClock clock = new VirtualClock();
    private W5100Simulator sim;
    private ServerSocket server;
    private Socket peer;

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Chip reach(String state) throws Exception {
        server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
        sim = new W5100Simulator(VirtualNetwork.builder()
                .host("192.168.1.10").tcp(25, server.getLocalPort())
                .host("192.168.1.66").silent().build(), clock::nanoTime);
        Chip c = new Chip(sim).configure();
        switch (state) {
            case "CLOSED" -> { }
            case "INIT" -> c.open(0, 0x01, 1025);
            case "UDP" -> c.open(0, 0x02, 1025);
            case "LISTEN" -> {
                c.open(0, 0x01, 1025);
                c.f.command(0, LISTEN);
            }
            case "ARP" -> {
                c.open(0, 0x01, 1025);
                c.dest(0, 192, 168, 1, 99, 25);
                c.f.command(0, CONNECT);
            }
            case "SYNSENT" -> {
                c.open(0, 0x01, 1025);
                c.dest(0, 192, 168, 1, 66, 25);
                c.f.command(0, CONNECT);
            }
            case "ESTABLISHED", "CLOSE_WAIT" -> {
                c.open(0, 0x01, 1025);
                c.dest(0, 192, 168, 1, 10, 25);
                c.f.command(0, CONNECT);
                peer = server.accept();
                c.awaitStatus(0, ESTABLISHED);
                if (state.equals("CLOSE_WAIT")) {
                    sim.faults().closePeer(0);
                }
            }
            default -> throw new IllegalArgumentException(state);
        }
        assertEquals(state, TraceFormat.status(c.status(0)), "reached the start state");
        c.f.write(Frames.sreg(0, IR), 0xFF);
        sim.counters().clear();
        return c;
    }

    @ParameterizedTest(name = "{0} --{1}--> {2}")
    @CsvSource({
        // start,      command, next,        reported
        "CLOSED,       OPEN,    CLOSED,      true",   // Sn_MR still 0: no protocol
        "INIT,         OPEN,    INIT,        false",
        "UDP,          OPEN,    UDP,         false",
        "LISTEN,       OPEN,    INIT,        false",
        "ESTABLISHED,  OPEN,    INIT,        false",
        "CLOSED,       LISTEN,  CLOSED,      true",
        "INIT,         LISTEN,  LISTEN,      false",
        "UDP,          LISTEN,  UDP,         true",
        "ESTABLISHED,  LISTEN,  ESTABLISHED, true",
        "CLOSED,       CONNECT, CLOSED,      true",
        "INIT,         CONNECT, ARP,         false",  // DIPR 0.0.0.0 is in no one's table
        "UDP,          CONNECT, UDP,         true",
        "LISTEN,       CONNECT, LISTEN,      true",
        "ESTABLISHED,  CONNECT, ESTABLISHED, true",
        "CLOSED,       DISCON,  CLOSED,      true",
        "INIT,         DISCON,  CLOSED,      false",
        "LISTEN,       DISCON,  CLOSED,      false",
        "ARP,          DISCON,  CLOSED,      false",
        "SYNSENT,      DISCON,  CLOSED,      false",
        "ESTABLISHED,  DISCON,  FIN_WAIT,    false",
        "CLOSE_WAIT,   DISCON,  LAST_ACK,    false",
        "UDP,          DISCON,  UDP,         true",
        "CLOSED,       CLOSE,   CLOSED,      false",
        "INIT,         CLOSE,   CLOSED,      false",
        "UDP,          CLOSE,   CLOSED,      false",
        "LISTEN,       CLOSE,   CLOSED,      false",
        "ARP,          CLOSE,   CLOSED,      false",
        "SYNSENT,      CLOSE,   CLOSED,      false",
        "ESTABLISHED,  CLOSE,   CLOSED,      false",
        "CLOSE_WAIT,   CLOSE,   CLOSED,      false",
        "CLOSED,       SEND,    CLOSED,      true",
        "INIT,         SEND,    INIT,        true",
        "LISTEN,       SEND,    LISTEN,      true",
        "ESTABLISHED,  SEND,    ESTABLISHED, false",  // 0 bytes: SEND_OK at once
        "CLOSE_WAIT,   SEND,    CLOSE_WAIT,  false",
        "UDP,          SEND,    UDP,         true",   // 0-byte UDP SEND: errata, never completes
        "CLOSED,       RECV,    CLOSED,      true",
        "INIT,         RECV,    INIT,        true",
        "LISTEN,       RECV,    LISTEN,      true",
        "ESTABLISHED,  RECV,    ESTABLISHED, false",
        "CLOSE_WAIT,   RECV,    CLOSE_WAIT,  false",
        "UDP,          RECV,    UDP,         false",
    })
    void commandMovesTheSocketAsTheDatasheetSays(String start, String command, String next, boolean reported)
            throws Exception {
        Chip c = reach(start);
        int cmd = switch (command) {
            case "OPEN" -> OPEN;
            case "LISTEN" -> LISTEN;
            case "CONNECT" -> CONNECT;
            case "DISCON" -> DISCON;
            case "CLOSE" -> CLOSE;
            case "SEND" -> SEND;
            case "RECV" -> RECV;
            default -> throw new IllegalArgumentException(command);
        };
        if (cmd == CONNECT) {
            c.dest(0, 0, 0, 0, 0, 25);
        }
        c.f.command(0, cmd);
        assertEquals(0, c.f.read(Frames.sreg(0, CR)), "Sn_CR reads 0 once accepted");
        assertEquals(next, TraceFormat.status(c.status(0)));
        assertEquals(reported ? 1 : 0, sim.counters().unhandled(), sim.unhandledLog().toString());
        if (cmd == SEND && !reported) {
            assertEquals(SEND_OK, c.f.interrupts(0) & SEND_OK);
        }
    }

    @ParameterizedTest(name = "Sn_MR protocol {0} -> {1}")
    @CsvSource({"1, INIT, false", "2, UDP, false", "3, IPRAW, false", "4, MACRAW, false", "5, CLOSED, true",
        "0, CLOSED, true", "15, CLOSED, true"})
    void openUsesTheProtocolInSnMr(int protocol, String next, boolean reported) throws Exception {
        Chip c = reach("CLOSED");
        c.f.write(Frames.sreg(0, MR), protocol);
        c.f.command(0, OPEN);
        assertEquals(next, TraceFormat.status(c.status(0)));
        assertEquals(reported ? 1 : 0, sim.counters().unhandled(), sim.unhandledLog().toString());
    }

    @ParameterizedTest(name = "command 0x{0}")
    @CsvSource({"0x21", "0x22", "0x03", "0x80", "0xFF"}) // SEND_MAC/SEND_KEEP do not apply in INIT
    void unmodelledOrInvalidCommandsAreReported(String hex) throws Exception {
        Chip c = reach("INIT");
        c.f.command(0, Integer.decode(hex));
        assertEquals(INIT, c.status(0));
        assertEquals(1, sim.counters().unhandled());
    }
}
