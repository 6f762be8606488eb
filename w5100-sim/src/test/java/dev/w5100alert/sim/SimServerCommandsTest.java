package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SimServer's text commands for drivers in other languages, over a real loopback socket. */
class SimServerCommandsTest {
    private SimServer server;
    private Thread serving;
    private final java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new SimServer(VirtualNetwork.builder().host("192.168.1.10").silent().build(), 0, log::add);
        serving = new Thread(() -> {
            try {
                server.serve();
            } catch (Exception e) {
                // closed by the test
            }
        }, "sim-server");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(20_000);
    }

    /** One client session. */
    final class Session implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Session() throws Exception {
            socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            socket.setSoTimeout(20_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        String text(String command) throws Exception {
            byte[] b = command.getBytes(StandardCharsets.US_ASCII);
            out.write('T');
            out.write(b.length >>> 8);
            out.write(b.length);
            out.write(b);
            out.flush();
            int len = in.readUnsignedShort();
            byte[] reply = new byte[len];
            in.readFully(reply);
            return new String(reply, StandardCharsets.US_ASCII);
        }

        int read(int address) throws Exception {
            return frame(0x0F, address, 0);
        }

        void write(int address, int value) throws Exception {
            frame(0xF0, address, value);
        }

        int frame(int op, int address, int data) throws Exception {
            out.write(new byte[] {'F', 0, 1, (byte) op, (byte) (address >>> 8), (byte) address, (byte) data});
            out.flush();
            byte[] miso = new byte[4];
            in.readFully(miso);
            return miso[3] & 0xFF;
        }

        void open(int s, int mode, int port) throws Exception {
            write(0x0400 + s * 0x100, mode);
            write(0x0404 + s * 0x100, port >>> 8);
            write(0x0405 + s * 0x100, port & 0xFF);
            write(0x0401 + s * 0x100, 0x01);
        }

        @Override
        public void close() throws Exception {
            out.write('Q');
            out.flush();
            socket.close();
        }
    }

    @Test
    void countersAndTheUnhandledLogAreReadableAndResetClearsThem() throws Exception {
        try (Session s = new Session()) {
            s.read(0x0017);
            s.read(0x0013); // reserved
            String counters = s.text("counters");
            assertTrue(counters.startsWith("ok frames=2 reads=2 "), counters);
            assertTrue(counters.contains("unhandled=1"), counters);
            String unhandled = s.text("unhandled");
            assertTrue(unhandled.startsWith("ok 1\n") && unhandled.contains("0x0013"), unhandled);
            assertEquals("ok", s.text("reset").substring(0, 2));
            assertTrue(s.text("counters").startsWith("ok frames=0 "));
            assertEquals("ok 0", s.text("unhandled"));
            assertTrue(s.text("frobnicate").startsWith("error: unknown command"));
        }
    }

    @Test
    void faultsAreSetAndClearedByCommand() throws Exception {
        try (Session s = new Session()) {
            assertTrue(s.text("fault miso-stuck 0xFF").startsWith("ok"));
            assertEquals(0xFF, s.read(0x0017));
            assertTrue(s.text("fault clear").startsWith("ok"));
            assertEquals(0x07, s.read(0x0017), "RTR high byte again");
            assertTrue(s.text("fault nonsense").startsWith("error: faults:"));
        }
    }

    @Test
    void portsNameTheRealLoopbackPortsOfListenAndUdpSockets() throws Exception {
        try (Session s = new Session()) {
            s.open(0, 0x02, 3000);
            s.open(1, 0x01, 80);
            s.write(0x0501, 0x02); // LISTEN
            String ports = s.text("ports");
            int udp = server.simulator().realUdpPort(0);
            int tcp = server.simulator().realTcpListenPort(80);
            assertTrue(udp > 0 && tcp > 0);
            assertTrue(ports.contains("S0 UDP udp 3000 127.0.0.1:" + udp), ports);
            assertTrue(ports.contains("S1 LISTEN tcp 80 127.0.0.1:" + tcp), ports);
            assertTrue(ports.contains("S2 CLOSED"), ports);
            try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), tcp)) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (s.read(0x0503) != 0x17 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(0x17, s.read(0x0503), "the port leads to the chip's LISTEN socket");
            }
        }
    }

    @Test
    void aVirtualClockLetsA31SecondTcpTimeoutPassAtOnce() throws Exception {
        try (Session s = new Session()) {
            assertTrue(s.text("clock virtual").startsWith("ok virtual clock"));
            for (int k = 0; k < 4; k++) { // SIPR 192.168.1.50/24
                s.write(0x000F + k, new int[] {192, 168, 1, 50}[k]);
                s.write(0x0005 + k, new int[] {255, 255, 255, 0}[k]);
                s.write(0x040C + k, new int[] {192, 168, 1, 10}[k]);
            }
            s.write(0x0411, 25);
            s.open(0, 0x01, 4000);
            s.write(0x0401, 0x04); // CONNECT to the silent host
            s.text("advance 1");
            assertEquals(0x15, s.read(0x0403), "SYNSENT, nobody answers");
            s.text("advance 31000");
            assertEquals(0x15, s.read(0x0403), "31 s: still retrying");
            assertTrue(s.text("advance 900").startsWith("ok"));
            assertEquals(0x00, s.read(0x0403), "31.8 s passed in virtual time: CLOSED");
            assertEquals(0x08, s.read(0x0402) & 0x08, "TIMEOUT");
            assertTrue(s.text("clock real").startsWith("ok"));
            assertTrue(s.text("advance 5").startsWith("error"), "only on the virtual clock");
        }
    }

    @Test
    void waitIntReturnsWhenTheChipPullsInt() throws Exception {
        try (Session s = new Session();
             java.net.DatagramSocket peer = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.write(0x0016, 0x01); // IMR: socket 0
            s.open(0, 0x02, 3000);
            assertEquals("ok 0", s.text("wait-int 20"), "nothing yet");
            int real = server.simulator().realUdpPort(0);
            peer.send(new java.net.DatagramPacket(new byte[] {1, 2, 3}, 3, InetAddress.getLoopbackAddress(), real));
            assertEquals("ok 1", s.text("wait-int 20000"), "a datagram arrived: RECV, /INT low");
            s.write(0x0402, 0x04); // clear RECV
            assertEquals("ok 0", s.text("wait-int 0"));
        }
    }

    @Test
    void traceCanBeFilteredByRegisterOrSocket() throws Exception {
        try (Session s = new Session()) {
            s.text("trace reg RTR");
            s.read(0x0017);
            s.read(0x0001);
            String regOnly = s.text("trace read");
            assertTrue(regOnly.startsWith("ok 1\n") && regOnly.contains("R RTR[0]=0x07"), regOnly);
            s.text("trace socket 1");
            s.read(0x0403);
            s.read(0x0503);
            String sock = s.text("trace read");
            assertTrue(sock.contains("S1_SR") && !sock.contains("S0_SR"), sock);
            s.text("trace off");
            s.read(0x0503);
            assertEquals("ok 0", s.text("trace read"));
        }
    }

    @Test
    void aNewSessionStartsWithoutTheLastOnesHalfFrameHeldResetOrTrace() throws Exception {
        try (Session first = new Session()) {
            first.text("trace on");
            first.out.write(new byte[] {'A', 1, 'L', 'S', 2, 0x0F, 0x00}); // /RESET held, a frame cut off
            first.out.flush();
            first.text("counters"); // sync
        }
        try (Session second = new Session()) {
            assertEquals(0x07, second.read(0x0017), "chip-select was released and /RESET let go");
            second.read(0x0018);
            assertEquals("ok 0", second.text("trace read"), "the last session's trace is gone and off");
            String counters = second.text("counters");
            assertTrue(counters.contains("overrun=0"), counters);
        }
        assertFalse(log.stream().anyMatch(l -> l.contains("protocol error")), log.toString());
    }
}
