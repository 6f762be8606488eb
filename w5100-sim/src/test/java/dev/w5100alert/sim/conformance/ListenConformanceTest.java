package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.sim.VirtualNetwork;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** TCP server side: LISTEN, a real loopback client connects, data both ways, graceful close. */
class ListenConformanceTest {

    @Test
    void listeningSocketAcceptsAClientAndEchoesItsData() throws Exception {
        VirtualNetwork net = VirtualNetwork.builder().inboundPeer("192.168.1.50").build();
        try (Rig rig = new Rig(net).up()) {
            TcpSocket server = rig.driver.listenTcp(8080);
            assertEquals(ConnectOutcome.IN_PROGRESS, server.acceptPoll());
            int realPort = rig.sim.realTcpListenPort(8080);
            assertTrue(realPort > 0, "simulator listens on a real loopback port");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), realPort)) {
                client.setSoTimeout(20_000);
                ConnectOutcome o;
                long deadline = rig.clock.nanoTime() + 30_000_000_000L;
                while ((o = server.acceptPoll()) == ConnectOutcome.IN_PROGRESS) {
                    assertTrue(rig.clock.nanoTime() < deadline, "no client accepted");
                    rig.clock.idle();
                }
                assertEquals(ConnectOutcome.CONNECTED, o);
                assertEquals(Ipv4.of(192, 168, 1, 50), server.remoteIp());
                assertTrue(server.remotePort() > 0);

                byte[] hello = LoopbackServers.pattern(3000);
                OutputStream out = client.getOutputStream();
                out.write(hello);
                out.flush();
                byte[] got = new byte[hello.length];
                int n = 0;
                while (n < got.length) {
                    int r = server.receive(got, n, got.length - n, 30_000_000_000L);
                    assertTrue(r > 0, "receive " + r + " " + server.failure());
                    n += r;
                }
                assertArrayEquals(hello, got);
                assertEquals(got.length, server.sendFully(got, 0, got.length, 30_000_000_000L));
                InputStream in = client.getInputStream();
                byte[] back = in.readNBytes(got.length);
                assertArrayEquals(hello, back);
                client.shutdownOutput(); // the client is done sending: FIN
                assertEquals(TcpSocket.EOF, server.receive(got, 0, got.length, 30_000_000_000L));
                assertTrue(server.close(5_000_000_000L), "graceful close");
                assertEquals(-1, in.read(), "client sees the chip's FIN");
            }
            assertEquals(0, rig.driver.socketsInUse());
            assertEquals(0, rig.sim.socketStatus(0));
        }
    }
}
