package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standalone mode over a real loopback socket, speaking the documented byte protocol. */
class SimServerTest {
    private SimServer server;
    private Thread serving;
    private EchoServer echo;
    private final java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        echo = new EchoServer();
        server = new SimServer(VirtualNetwork.builder().host("192.168.1.10").tcp(7, echo.port()).build(), 0, log::add);
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
        echo.close();
    }

    private Socket client() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(20_000);
        return s;
    }

    private static byte[] frame(int op, int address, int data) {
        return new byte[] {(byte) op, (byte) (address >>> 8), (byte) address, (byte) data};
    }

    private static byte[] frames(DataInputStream in, OutputStream out, byte[]... fs) throws Exception {
        out.write('F');
        out.write(fs.length >>> 8);
        out.write(fs.length);
        for (byte[] f : fs) {
            out.write(f);
        }
        out.flush();
        byte[] reply = new byte[4 * fs.length];
        in.readFully(reply);
        return reply;
    }

    private static int read(DataInputStream in, OutputStream out, int address) throws Exception {
        return frames(in, out, frame(0x0F, address, 0))[3] & 0xFF;
    }

    private static void write(DataInputStream in, OutputStream out, int address, int value) throws Exception {
        byte[] r = frames(in, out, frame(0xF0, address, value));
        assertArrayEquals(new byte[] {0, 1, 2, 3}, r);
    }

    @Test
    void byteShiftsWithChipSelectEdgesReachTheStateMachine() throws Exception {
        try (Socket s = client()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            // L, S 4 bytes (read RTR high byte), H
            out.write(new byte[] {'L', 'S', 4, 0x0F, 0x00, 0x17, 0x00, 'H'});
            out.flush();
            byte[] miso = new byte[4];
            in.readFully(miso);
            assertArrayEquals(new byte[] {0, 1, 2, 0x07}, miso);
            // A frame cut short by H, then a whole one.
            out.write(new byte[] {'L', 'S', 2, (byte) 0xF0, 0x00, 'H', 'P'});
            out.flush();
            in.readFully(new byte[2]);
            assertEquals('P', in.read());
            assertEquals(1, server.simulator().counters().cutFrames());
        }
    }

    @Test
    void framesResetAndInterruptPinOverTheWire() throws Exception {
        try (Socket s = client()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            write(in, out, 0x000F, 192);
            assertEquals(192, read(in, out, 0x000F));
            out.write('R');
            assertEquals(0, read(in, out, 0x000F), "hardware reset");
            out.write(new byte[] {'A', 1});
            byte[] held = frames(in, out, frame(0x0F, 0x0017, 0));
            assertEquals(0, held[3], "bus ignored while /RESET held");
            out.write(new byte[] {'A', 0});
            assertEquals(0x07, read(in, out, 0x0017));
            out.write('I');
            out.flush();
            assertEquals(0, in.read());
            // A UDP SEND to the limited broadcast completes at once: S0_IR.SEND_OK, IR bit 0, /INT with IMR.
            int[][] udpSend = {{0x0016, 0x01}, {0x0400, 0x02}, {0x0401, 0x01}, {0x040C, 255}, {0x040D, 255},
                {0x040E, 255}, {0x040F, 255}, {0x0411, 9}, {0x4000, 'x'}, {0x0425, 1}, {0x0401, 0x20}};
            for (int[] w : udpSend) {
                write(in, out, w[0], w[1]);
            }
            assertEquals(0x10, read(in, out, 0x0402), "S0_IR.SEND_OK");
            out.write('I');
            out.flush();
            assertEquals(1, in.read(), "/INT asserted: IR & IMR != 0");
            write(in, out, 0x0402, 0x10);
            out.write('I');
            out.flush();
            assertEquals(0, in.read(), "/INT released once Sn_IR is cleared");
        }
    }

    @Test
    void tcpEchoRunsThroughTheStandaloneServer() throws Exception {
        try (Socket s = client()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int[][] setup = {{0x0005, 255}, {0x0006, 255}, {0x0007, 255}, {0x000F, 192}, {0x0010, 168}, {0x0011, 1},
                {0x0012, 50}, {0x0400, 0x01}, {0x0401, 0x01}, {0x040C, 192}, {0x040D, 168}, {0x040E, 1},
                {0x040F, 10}, {0x0410, 0}, {0x0411, 7}, {0x0401, 0x04}};
            for (int[] w : setup) {
                write(in, out, w[0], w[1]);
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (read(in, out, 0x0403) != 0x17) {
                assertTrue(System.nanoTime() < deadline, "never ESTABLISHED");
            }
            byte[] msg = "over the wire".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < msg.length; i++) {
                write(in, out, 0x4000 + i, msg[i]);
            }
            write(in, out, 0x0424, 0);
            write(in, out, 0x0425, msg.length);
            write(in, out, 0x0401, 0x20);
            int rsr = 0;
            while (rsr < msg.length) {
                assertTrue(System.nanoTime() < deadline, "echo never came back");
                rsr = (read(in, out, 0x0426) << 8) | read(in, out, 0x0427);
            }
            byte[] back = new byte[msg.length];
            for (int i = 0; i < msg.length; i++) {
                back[i] = (byte) read(in, out, 0x6000 + i);
            }
            assertArrayEquals(msg, back);
        }
    }

    @Test
    void unknownCommandGetsQuestionMarkAndTheNextClientIsServed() throws Exception {
        try (Socket s = client()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write('Z');
            s.getOutputStream().flush();
            assertEquals('?', in.read());
            assertEquals(-1, in.read(), "session closed after a protocol error");
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("unknown command byte 0x5a")), log.toString());
        try (Socket s = client()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            assertEquals(0xD0, read(in, out, 0x0018));
            out.write('Q');
            out.flush();
            assertEquals(-1, in.read());
        }
    }
}
