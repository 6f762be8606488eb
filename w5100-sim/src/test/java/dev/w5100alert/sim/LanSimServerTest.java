package dev.w5100alert.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone mode with LAN services from a net file: a DNS lookup through the byte protocol, in real time. */
class LanSimServerTest {

    @Test
    void aNetFilesDnsServerAnswersAClientOfTheStandaloneServer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lan.conf");
        Files.writeString(file, "dns 192.168.1.53 a smtp.example.com=192.168.1.10\n");
        try (SimServer server = new SimServer(NetworkConfig.read(file), 0, line -> { })) {
            Thread serving = new Thread(() -> {
                try {
                    server.serve();
                } catch (Exception e) {
                    // closed by the test
                }
            }, "sim-server");
            serving.setDaemon(true);
            serving.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int[] sipr = {192, 168, 1, 50};
                int[] subr = {255, 255, 255, 0};
                for (int i = 0; i < 4; i++) {
                    write(in, out, 0x000F + i, sipr[i]);
                    write(in, out, 0x0005 + i, subr[i]);
                }
                write(in, out, 0x0400, 0x02);           // S0_MR = UDP
                write(in, out, 0x0404, 40000 >>> 8);    // S0_PORT
                write(in, out, 0x0405, 40000 & 0xFF);
                write(in, out, 0x0401, 0x01);           // OPEN
                assertEquals(0x22, read(in, out, 0x0403), "S0_SR = UDP");
                int[] dns = {192, 168, 1, 53};
                for (int i = 0; i < 4; i++) {
                    write(in, out, 0x040C + i, dns[i]);
                }
                write(in, out, 0x0410, 0);
                write(in, out, 0x0411, 53);
                byte[] q = LanDnsTest.query(0x5151, "smtp.example.com", 1);
                for (int i = 0; i < q.length; i++) {
                    write(in, out, 0x4000 + i, q[i] & 0xFF); // TX starts at 0x4000 after OPEN (pointers 0)
                }
                write(in, out, 0x0424, 0);
                write(in, out, 0x0425, q.length);       // S0_TX_WR
                write(in, out, 0x0401, 0x20);           // SEND
                long deadline = System.nanoTime() + 20_000_000_000L;
                int rsr = 0;
                while (rsr < 8 && System.nanoTime() < deadline) {
                    rsr = (read(in, out, 0x0426) << 8) | read(in, out, 0x0427);
                }
                assertTrue(rsr >= 8, "an answer arrived in real time");
                byte[] d = new byte[rsr];
                for (int i = 0; i < rsr; i++) {
                    d[i] = (byte) read(in, out, 0x6000 + i);
                }
                assertEquals(53, ((d[4] & 0xFF) << 8) | (d[5] & 0xFF), "from port 53");
                LanDnsTest.Reply r = LanDnsTest.Reply.of(java.util.Arrays.copyOfRange(d, 8, rsr));
                assertEquals(0x5151, r.id());
                assertEquals("192.168.1.10", r.answers().get(0).data());
                out.write('Q');
                out.flush();
            }
        }
    }

    private static byte[] frame(DataInputStream in, OutputStream out, int op, int address, int data) throws Exception {
        out.write(new byte[] {'F', 0, 1, (byte) op, (byte) (address >>> 8), (byte) address, (byte) data});
        out.flush();
        byte[] reply = new byte[4];
        in.readFully(reply);
        return reply;
    }

    private static int read(DataInputStream in, OutputStream out, int address) throws Exception {
        return frame(in, out, 0x0F, address, 0)[3] & 0xFF;
    }

    private static void write(DataInputStream in, OutputStream out, int address, int value) throws Exception {
        assertEquals(3, frame(in, out, 0xF0, address, value)[3]);
    }
}
